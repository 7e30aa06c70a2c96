package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import javax.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

class CookieAttributesTest {
    @Test
    void everyCookieIsHttpOnlyStrictAndSecureOverTls() {
        Cookie plain = CookieAttributes.restricted(new Cookie("felix-webconsole-locale", "en"), false);
        assertThat(plain.isHttpOnly()).isTrue();
        assertThat(plain.getSecure()).isFalse();
        assertThat(plain.getComment()).isEqualTo(CookieAttributes.SAME_SITE_STRICT);

        Cookie overTls = CookieAttributes.restricted(new Cookie("logout", "true"), true);
        assertThat(overTls.getSecure()).isTrue();
        assertThat(overTls.isHttpOnly()).isTrue();

        Cookie commented = new Cookie("c", "v");
        commented.setComment("kept");
        assertThat(CookieAttributes.restricted(commented, false).getComment()).isEqualTo("kept__SAME_SITE_STRICT__");

        Cookie lax = new Cookie("c", "v");
        lax.setComment("__SAME_SITE_LAX__");
        assertThat(CookieAttributes.restricted(lax, false).getComment()).isEqualTo("__SAME_SITE_LAX__");
    }
}
