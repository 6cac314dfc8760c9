package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The ID token's {@code amr} and {@code acr} say two factors only when a second factor (a code from the app, by
 * SMS, the emergency code, a push approval) was passed with a first one (password or a link from an email); a
 * password and a link are two first factors, not two-factor authentication.
 */
class AuthenticationMethodsTest {

    private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void aPasswordAloneIsOneFactor() {
        AuthenticationMethods methods = methods(FactorGrantedAuthority.PASSWORD_AUTHORITY);

        assertThat(methods.amr()).containsExactly("pwd");
        assertThat(methods.acr()).isEqualTo("urn:portvakt:acr:1fa");
    }

    @Test
    void aPasswordAndALinkFromAnEmailAreTwoFirstFactorsNotTwoFactorAuthentication() {
        AuthenticationMethods methods = methods(FactorGrantedAuthority.PASSWORD_AUTHORITY, FactorGrantedAuthority.OTT_AUTHORITY);

        assertThat(methods.amr()).containsExactly("pwd", "email");
        assertThat(methods.acr()).isEqualTo("urn:portvakt:acr:1fa");
        assertThat(methods.isTwoFactor()).isFalse();
    }

    @Test
    void aPasswordAndACodeFromTheAppAreTwoFactors() {
        AuthenticationMethods methods = methods(FactorGrantedAuthority.PASSWORD_AUTHORITY, "FACTOR_TOTP");

        assertThat(methods.amr()).containsExactly("pwd", "otp", "mfa");
        assertThat(methods.acr()).isEqualTo("urn:portvakt:acr:2fa");
        assertThat(methods.isTwoFactor()).isTrue();
    }

    @Test
    void aLinkAndEachSecondFactorAreTwoFactors() {
        for (String second : List.of("FACTOR_TOTP", "FACTOR_SMS", "FACTOR_EMERGENCY_CODE", "FACTOR_PUSH")) {
            AuthenticationMethods methods = methods(FactorGrantedAuthority.OTT_AUTHORITY, second);

            assertThat(methods.amr()).as(second).contains("email", "mfa");
            assertThat(methods.acr()).as(second).isEqualTo("urn:portvakt:acr:2fa");
        }
    }

    @Test
    void aSecondFactorWithoutAFirstOneIsNotTwoFactors() {
        AuthenticationMethods methods = methods("FACTOR_TOTP", "FACTOR_SMS");

        assertThat(methods.amr()).doesNotContain("mfa");
        assertThat(methods.acr()).isEqualTo("urn:portvakt:acr:1fa");
    }

    @Test
    void authoritiesThatAreNotFactorsCountForNothing() {
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY).issuedAt(AT).build());
        authorities.add(new SimpleGrantedAuthority("FACTOR_TOTP"));
        AuthenticationMethods methods = new AuthenticationMethods(
                UsernamePasswordAuthenticationToken.authenticated("account-1", null, authorities));

        assertThat(methods.amr()).containsExactly("pwd");
        assertThat(methods.acr()).isEqualTo("urn:portvakt:acr:1fa");
    }

    private static AuthenticationMethods methods(String... factors) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (int i = 0; i < factors.length; i++) {
            authorities.add(FactorGrantedAuthority.withAuthority(factors[i]).issuedAt(AT.plusSeconds(i)).build());
        }
        Authentication person = UsernamePasswordAuthenticationToken.authenticated("account-1", null, authorities);
        return new AuthenticationMethods(person);
    }
}
