package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static se.portvakt.oidc.StoredAuthorizationJson.describe;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * {@link StoredJson} reads what Spring Authorization Server wrote into the same objects, in the same classes, as
 * Spring's own Jackson mapper does; and declines what it does not know rather than guess.
 */
class StoredJsonTest {

    @Test
    void theAttributesOfASignInReadAsSpringReadsThem() {
        assertReadAsSpringReadsIt(attributes(person(FactorGrantedAuthority.PASSWORD_AUTHORITY), request()));
    }

    @Test
    void aPersonWithTwoFactorsAndAnOldStyleAuthorityReadsAsSpringReadsIt() {
        var person = UsernamePasswordAuthenticationToken.authenticated("b9b7c1f4-account", null, List.of(
                FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY)
                        .issuedAt(Instant.parse("2026-11-25T10:15:30.123456789Z")).build(),
                FactorGrantedAuthority.withAuthority("FACTOR_TOTP").issuedAt(Instant.parse("2026-11-25T10:15:45Z")).build(),
                new SimpleGrantedAuthority("ROLE_USER")));
        assertReadAsSpringReadsIt(attributes(person, request()));
    }

    @Test
    void accessTokenMetadataReadsAsSpringReadsIt() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "b9b7c1f4-account");
        claims.put("aud", Collections.singletonList("flex-hrm"));
        claims.put("nbf", Instant.parse("2026-11-25T10:15:30.977366851Z"));
        claims.put("scope", Collections.unmodifiableSet(new LinkedHashSet<>(List.of("openid", "profile", "offline_access"))));
        claims.put("iss", url("http://localhost:8080"));
        claims.put("exp", Instant.parse("2026-11-25T10:20:30.977366851Z"));
        claims.put("iat", Instant.parse("2026-11-25T10:15:30Z"));
        claims.put("jti", "52303cd6-2f41-4c0c-bc3e-6e4bc26740e6");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat", "self-contained");
        metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, Collections.unmodifiableMap(claims));
        metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, false);
        assertReadAsSpringReadsIt(Collections.unmodifiableMap(metadata));
    }

    @Test
    void idTokenMetadataWithADateAListAndNumbersReadsAsSpringReadsIt() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "b9b7c1f4-account");
        claims.put("email_verified", true);
        claims.put("amr", new ArrayList<>(List.of("pwd", "otp", "mfa")));
        claims.put("auth_time", Date.from(Instant.parse("2026-11-25T10:15:30Z")));
        claims.put("sid", "1qoP9GTdChTCv0rHbncMqUD_sAHA-JaXMJZ0Due6Uo4");
        claims.put("small", 42);
        claims.put("nothing", null);
        claims.put("scopes", new LinkedHashSet<>(List.of("a", "b")));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, Collections.unmodifiableMap(claims));
        metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true);
        assertReadAsSpringReadsIt(Collections.unmodifiableMap(metadata));
    }

    @Test
    void emptyAttributesOfAMachineClientReadAsSpringReadsThem() {
        assertReadAsSpringReadsIt(Collections.unmodifiableMap(new LinkedHashMap<>()));
    }

    @Test
    void requestDetailsAreLeftToSpring() {
        var person = person(FactorGrantedAuthority.PASSWORD_AUTHORITY);
        person.setDetails(new WebAuthenticationDetails(new MockHttpServletRequest()));
        String json = StoredAuthorizationJson.write(attributes(person, request()));

        assertThat(StoredJson.readMap(json)).isSameAs(StoredJson.UNKNOWN);
    }

    @Test
    void aFloatingPointClaimIsLeftToSpring() {
        String json = StoredAuthorizationJson.write(Collections.unmodifiableMap(Map.of("ratio", 0.5)));

        assertThat(StoredJson.readMap(json)).isSameAs(StoredJson.UNKNOWN);
    }

    @Test
    void aLongClaimIsLeftToSpring() {
        // Spring's mapper refuses the type id java.lang.Long; the row must fail the same way, not read differently.
        String json = StoredAuthorizationJson.write(Collections.unmodifiableMap(Map.of("large", 1L << 40)));

        assertThat(StoredJson.readMap(json)).isSameAs(StoredJson.UNKNOWN);
    }

    @Test
    void anUnknownClassIsLeftToSpring() {
        String json = "{\"@class\":\"java.util.Collections$UnmodifiableMap\",\"x\":{\"@class\":\"com.example.Evil\"}}";

        assertThat(StoredJson.readMap(json)).isSameAs(StoredJson.UNKNOWN);
    }

    @Test
    void brokenJsonIsLeftToSpring() {
        assertThat(StoredJson.readMap("{\"@class\":")).isSameAs(StoredJson.UNKNOWN);
        assertThat(StoredJson.readMap("[]")).isSameAs(StoredJson.UNKNOWN);
    }

    private static void assertReadAsSpringReadsIt(Map<String, Object> stored) {
        String json = StoredAuthorizationJson.write(stored);

        Object ours = StoredJson.readMap(json);

        assertThat(ours).as(json).isNotSameAs(StoredJson.UNKNOWN);
        assertThat(describe(ours)).as(json).isEqualTo(describe(StoredAuthorizationJson.readBySpring(json)));
    }

    private static Map<String, Object> attributes(UsernamePasswordAuthenticationToken person,
            OAuth2AuthorizationRequest request) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(OAuth2AuthorizationRequest.class.getName(), request);
        attributes.put(java.security.Principal.class.getName(), person);
        return Collections.unmodifiableMap(attributes);
    }

    private static UsernamePasswordAuthenticationToken person(String factor) {
        List<GrantedAuthority> factors = List.of(FactorGrantedAuthority.withAuthority(factor)
                .issuedAt(Instant.parse("2026-11-25T10:15:30Z")).build());
        return UsernamePasswordAuthenticationToken.authenticated("b9b7c1f4-account", null, factors);
    }

    private static OAuth2AuthorizationRequest request() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("code_challenge_method", "S256");
        parameters.put("nonce", "xZYHeI7L4aK_PT9LKbGwKA");
        parameters.put("continue", "");
        parameters.put("code_challenge", "4AlOeDLvHKXaZTSmCO0XZVROU18mnkVX9raTL6fPOuU");
        return OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri("http://localhost:8080/oauth2/authorize")
                .clientId("flex-hrm")
                .redirectUri("http://localhost:8081/login/oauth2/code/portvakt")
                .scopes(Set.of("openid", "profile", "offline_access", "email"))
                .state("QKFutKloOyU9CZdvenoWlQ")
                .additionalParameters(parameters)
                .authorizationRequestUri("http://localhost:8080/oauth2/authorize?response_type=code&client_id=flex-hrm")
                .build();
    }

    private static java.net.URL url(String url) {
        try {
            return URI.create(url).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
