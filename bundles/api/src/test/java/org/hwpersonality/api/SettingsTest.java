package org.hwpersonality.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void keysAreMappedAsDeclarativeServicesMapsMethodNames() {
        assertThat(Settings.key("capacity_luts")).isEqualTo("capacity.luts");
        assertThat(Settings.key("reconcileAfterSeconds")).isEqualTo("reconcileAfterSeconds");
        assertThat(Settings.key("a__b")).isEqualTo("a_b");
        assertThat(Settings.key("cost$$")).isEqualTo("cost$");
        assertThat(Settings.key("my$key")).isEqualTo("mykey");
    }

    @Test
    void listsAreCommaSeparatedInOneStringOrGivenAsSeveral() {
        assertThat(Settings.list("agilex-f, n3000 ,")).containsExactly("agilex-f", "n3000");
        assertThat(Settings.list("")).isEmpty();
        assertThat(Settings.list("a", "b,c")).containsExactly("a", "b", "c");
    }

    @Test
    void limitsNameTheKey() {
        assertThat(Settings.atLeast("taskRunners", 8, 1)).isEqualTo(8);
        assertThatThrownBy(() -> Settings.atLeast("taskRunners", 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("taskRunners = 0: must be at least 1");
    }

    @interface Config {
        long tool_timeout_ms() default 30_000;

        String name() default "x";
    }

    /**
     * The DS runtime converts a setting's text when the method is called and throws for text that is not of its type
     * (Felix SCR: a ComponentException around the NumberFormatException); Karaf's own run of this is in RepositoryIT.
     */
    @Test
    void aSettingThatCannotBeReadIsNamed() {
        Config bad = (Config) java.lang.reflect.Proxy.newProxyInstance(
                Config.class.getClassLoader(), new Class<?>[] {Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("tool_timeout_ms")) {
                        throw new IllegalStateException("java.lang.NumberFormatException: For input string: \"soon\"");
                    }
                    return method.getDefaultValue();
                });
        assertThatThrownBy(() -> Settings.check(Config.class, bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tool.timeout.ms: not a whole number (For input string: \"soon\")");
    }
}
