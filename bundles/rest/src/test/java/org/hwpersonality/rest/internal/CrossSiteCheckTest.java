package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.junit.jupiter.api.Test;

/** State-changing requests from a page of another origin are refused; scripts without Origin are not. */
class CrossSiteCheckTest {
    private final CrossSiteCheck none = new CrossSiteCheck();

    @Test
    void aPostWithoutOriginComesFromNoPageAndIsAllowed() {
        assertThatCode(() -> none.check("POST", null, null, "https", "hwp.example", 8443))
                .doesNotThrowAnyException();
    }

    @Test
    void theApisOwnOriginIsAllowedWithTheDefaultPortImplied() {
        assertThatCode(() ->
                        none.check("POST", "https://HWP.example:8443", "same-origin", "https", "hwp.example", 8443))
                .doesNotThrowAnyException();
        assertThatCode(() -> none.check("DELETE", "https://hwp.example", null, "https", "hwp.example", 443))
                .doesNotThrowAnyException();
        assertThatCode(() -> none.check("PUT", "http://localhost:8181", null, "http", "localhost", 8181))
                .doesNotThrowAnyException();
    }

    @Test
    void anotherOriginIsRefusedForEveryStateChangingMethod() {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE", "PROPFIND"}) {
            assertThatThrownBy(() -> none.check(method, "https://evil.example", null, "https", "hwp.example", 8443))
                    .as(method)
                    .isInstanceOfSatisfying(
                            HwpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN))
                    .hasMessageContaining("Origin")
                    .hasMessageContaining("https://evil.example")
                    .hasMessageContaining("https://hwp.example:8443");
        }
    }

    @Test
    void anOriginDifferingOnlyInSchemeOrPortIsAnotherOrigin() {
        assertThatThrownBy(() -> none.check("POST", "http://hwp.example:8443", null, "https", "hwp.example", 8443))
                .isInstanceOf(HwpException.class);
        assertThatThrownBy(() -> none.check("POST", "https://hwp.example:8444", null, "https", "hwp.example", 8443))
                .isInstanceOf(HwpException.class);
        assertThatThrownBy(() -> none.check("POST", "https://hwp.example.evil", null, "https", "hwp.example", 8443))
                .isInstanceOf(HwpException.class);
    }

    @Test
    void anOpaqueOrMalformedOriginIsRefused() {
        for (String origin : new String[] {"null", "", "hwp.example", "file://", "https://a b", "https://x/path"}) {
            assertThatThrownBy(() -> none.check("POST", origin, null, "https", "hwp.example", 8443))
                    .as(origin)
                    .isInstanceOf(HwpException.class);
        }
    }

    @Test
    void safeMethodsAreNotChecked() {
        for (String method : new String[] {"GET", "HEAD", "OPTIONS"}) {
            assertThatCode(() -> none.check(method, "https://evil.example", "cross-site", "https", "hwp.example", 443))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void secFetchSiteCrossSiteIsRefusedEvenWithoutOrigin() {
        assertThatThrownBy(() -> none.check("POST", null, "cross-site", "https", "hwp.example", 8443))
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("Sec-Fetch-Site");
        assertThatCode(() -> none.check("POST", null, "none", "https", "hwp.example", 8443))
                .doesNotThrowAnyException();
    }

    @Test
    void anAllowListedOriginMayChangeThings() {
        CrossSiteCheck portal = new CrossSiteCheck("https://portal.example.com/", " http://ops.example:8080 ", "");
        assertThat(portal.allowed())
                .containsExactlyInAnyOrder("https://portal.example.com:443", "http://ops.example:8080");
        assertThatCode(() -> portal.check("POST", "https://portal.example.com", "cross-site", "https", "hwp", 8443))
                .doesNotThrowAnyException();
        assertThatCode(() -> portal.check("POST", "http://ops.example:8080", null, "https", "hwp", 8443))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> portal.check("POST", "https://evil.example", null, "https", "hwp", 8443))
                .isInstanceOf(HwpException.class);
    }

    @Test
    void aConfigurationFileEntryMayListSeveralOrigins() {
        assertThat(new CrossSiteCheck("https://a.example, http://b.example:8080 https://c.example").allowed())
                .containsExactlyInAnyOrder("https://a.example:443", "http://b.example:8080", "https://c.example:443");
        assertThat(new CrossSiteCheck("").allowed()).isEmpty();
    }

    @Test
    void anAllowListEntryThatIsNoOriginIsNamed() {
        assertThatThrownBy(() -> new CrossSiteCheck("https://portal.example.com/app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedOrigins")
                .hasMessageContaining("https://portal.example.com/app");
        assertThatThrownBy(() -> new CrossSiteCheck("*")).isInstanceOf(IllegalArgumentException.class);
    }
}
