package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/** The one decision whether a session's factors are enough for an application, as the authorization endpoint asks it. */
class FactorRequirementTest {

    private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void anApplicationThatRequires2faAcceptsOnlyAFirstFactorConfirmedByASecond() {
        FactorRequirement strict = FactorRequirement.of(client(true), null);

        assertThat(strict.isMetBy(session(FactorGrantedAuthority.PASSWORD_AUTHORITY))).isFalse();
        assertThat(strict.isMetBy(session(FactorGrantedAuthority.PASSWORD_AUTHORITY,
                FactorGrantedAuthority.OTT_AUTHORITY))).isFalse();
        assertThat(strict.isMetBy(session(FactorGrantedAuthority.PASSWORD_AUTHORITY, "FACTOR_TOTP"))).isTrue();
        assertThat(strict.isMetBy(session(FactorGrantedAuthority.OTT_AUTHORITY, "FACTOR_SMS"))).isTrue();
    }

    @Test
    void anyOtherApplicationAcceptsAnySignIn() {
        FactorRequirement any = FactorRequirement.of(client(false), null);

        assertThat(any.isMetBy(session(FactorGrantedAuthority.PASSWORD_AUTHORITY))).isTrue();
        assertThat(any.isMetBy(session(FactorGrantedAuthority.OTT_AUTHORITY))).isTrue();
    }

    @Test
    void aRequestThatAsksFor2faIsTreatedAsAnApplicationThatRequiresIt() {
        FactorRequirement asked = FactorRequirement.of(client(false), "urn:portvakt:acr:2fa");

        assertThat(asked.twoFactors()).isTrue();
        assertThat(asked.isMetBy(session(FactorGrantedAuthority.PASSWORD_AUTHORITY))).isFalse();
        assertThat(asked.isMetBy(session(FactorGrantedAuthority.PASSWORD_AUTHORITY, "FACTOR_PUSH"))).isTrue();
    }

    @Test
    void theFirstSupportedValueOfTheListCountsAndForeignValuesAreSkipped() {
        String[][] cases = {
            {"urn:portvakt:acr:2fa urn:portvakt:acr:1fa", "true"},
            {"urn:portvakt:acr:1fa urn:portvakt:acr:2fa", "false"},
            {"urn:other:gold urn:portvakt:acr:2fa", "true"},
            {"urn:other:gold  urn:portvakt:acr:1fa urn:portvakt:acr:2fa", "false"},
            {"urn:other:gold", "false"},
            {"urn:other:gold urn:other:silver", "false"},
            {"", "false"},
            {" ", "false"},
            {"URN:PORTVAKT:ACR:2FA", "false"}, // acr values are compared as strings, exactly
            {"urn:portvakt:acr:2fa\t", "false"},
            {"urn:portvakt:acr:2fax", "false"},
            {"0", "false"},
        };
        for (String[] asked : cases) {
            assertThat(FactorRequirement.of(client(false), asked[0]).twoFactors()).as("'" + asked[0] + "'")
                    .isEqualTo(Boolean.parseBoolean(asked[1]));
        }
    }

    @Test
    void aRequestCanOnlyRaiseTheLevelNeverLowerTheRegistration() {
        FactorRequirement strict = FactorRequirement.of(client(true), "urn:portvakt:acr:1fa");

        assertThat(strict.isMetBy(session(FactorGrantedAuthority.PASSWORD_AUTHORITY))).isFalse();
        assertThat(FactorRequirement.of(client(true), "urn:other:gold").twoFactors()).isTrue();
    }

    private static RegisteredClient client(boolean requireTwoFactor) {
        return RegisteredClient.withId("id-strict")
                .clientId("strict")
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("https://app.example.com/callback")
                .clientSettings(ClientSettings.builder()
                        .setting("settings.client.portvakt.require-two-factor", requireTwoFactor).build())
                .build();
    }

    private static Authentication session(String... factors) {
        List<GrantedAuthority> authorities = Arrays.stream(factors)
                .map(f -> (GrantedAuthority) FactorGrantedAuthority.withAuthority(f).issuedAt(AT).build())
                .toList();
        return UsernamePasswordAuthenticationToken.authenticated("account-1", null, authorities);
    }
}
