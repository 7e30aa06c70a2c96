package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.apache.karaf.jaas.modules.properties.PropertiesLoginModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic logins through Karaf's real properties login module (the realm's file read at every check) and the cache. */
class AuthenticatorTest {
    @TempDir
    Path folder;

    private Path users;
    private Configuration previous;

    @BeforeEach
    void realm() throws Exception {
        users = folder.resolve("users.properties");
        Files.writeString(users, "alice = first,_g_:admingroup\n_g_\\:admingroup = group,admin\n");
        previous = Configuration.getConfiguration();
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {
                    new AppConfigurationEntry(
                            PropertiesLoginModule.class.getName(),
                            AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                            Map.of("users", users.toString()))
                };
            }
        });
    }

    @AfterEach
    void restore() {
        Configuration.setConfiguration(previous);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSuccessIsRememberedForTheTtlAndAFailureNever() throws Exception {
        LoginCache cache = new LoginCache(1, 10);
        Authenticator authenticator = new Authenticator(cache);

        assertThat(authenticator.login(basic("alice:wrong"))).isEmpty();
        assertThat(cache.size()).as("a failure is not stored").isZero();
        var alice = authenticator.login(basic("alice:first"));
        assertThat(alice).isPresent();
        assertThat(Authenticator.isAdmin(alice.get())).isTrue();
        assertThat(cache.size()).isEqualTo(1);

        // The password changes in the realm: the old one is still accepted within the TTL, the new one at once.
        Files.writeString(users, "alice = second,_g_:admingroup\n_g_\\:admingroup = group,admin\n");
        assertThat(authenticator.login(basic("alice:first"))).as("remembered").containsSame(alice.get());
        assertThat(authenticator.login(basic("alice:second"))).isPresent();
        assertThat(authenticator.login(basic("alice:wrong"))).isEmpty();

        Thread.sleep(1_100);
        assertThat(authenticator.login(basic("alice:first")))
                .as("after the TTL the realm decides again")
                .isEmpty();
        assertThat(authenticator.login(basic("alice:second"))).isPresent();
    }

    @Test
    void aRemovedUserIsRefusedOnceTheTtlIsOverAndAtOnceWithoutTheCache() throws Exception {
        Authenticator uncached = new Authenticator(new LoginCache(0, 10));
        assertThat(uncached.login(basic("alice:first"))).isPresent();
        Files.writeString(users, "");
        assertThat(uncached.login(basic("alice:first"))).isEmpty();
    }
}
