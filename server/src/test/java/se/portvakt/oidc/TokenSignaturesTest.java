package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.security.Provider;
import java.security.Security;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtEncodingException;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Tokens signed through the native provider (decision 0049) are the tokens Spring's encoder makes: the same header
 * and claims, byte for byte, and signatures that the JDK verifies; without the provider, or with one that cannot
 * take the key, the JDK signs.
 */
class TokenSignaturesTest {

    private static RSAKey rsa;
    private static ECKey ec;
    private static JWKSource<SecurityContext> keys;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).keyID("ec-1").generate();
        keys = new ImmutableJWKSet<>(new JWKSet(List.of(rsa, ec)));
    }

    /** An access token as Spring Authorization Server's JwtGenerator makes it, and an ID token's extra claims. */
    private static JwtEncoderParameters token(SignatureAlgorithm algorithm) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer("http://127.0.0.1:8080")
                .subject("payroll-sync")
                .audience(List.of("payroll-sync"))
                .issuedAt(now)
                .notBefore(now)
                .expiresAt(now.plusSeconds(300))
                .id("d4c1f7a2-5f0e-4bb1-9a6c-3b2f0f1f5a11")
                .claim("scope", new LinkedHashSet<>(List.of("hr.read", "hr.write")))
                .claim("amr", List.of("pwd", "otp"))
                .claim("auth_time", Date.from(now))
                .claim("email_verified", true)
                .build();
        return JwtEncoderParameters.from(JwsHeader.with(algorithm).type("JWT").build(), claims);
    }

    private static Optional<Provider> nativeProvider() {
        return SignatureProvider.of(SignatureProvider.AUTO);
    }

    @Test
    void theNativeProviderLoadsOnThisMachine() {
        assumeThat(System.getProperty("os.name")).isEqualToIgnoringCase("Linux");
        assumeThat(System.getProperty("os.arch")).isIn("amd64", "x86_64");
        assertThat(nativeProvider()).as("the Amazon Corretto Crypto Provider on linux-x86_64").isPresent();
    }

    @Test
    void rs256TokensAreSpringsTokensByteForByte() throws Exception {
        var spring = new NimbusJwtEncoder(keys);
        var withNative = new TokenSignatures(keys, TokenSignaturesTest::nativeProvider);
        var withJdk = new TokenSignatures(keys, Optional::empty);
        JwtEncoderParameters parameters = token(SignatureAlgorithm.RS256);

        String expected = spring.encode(parameters).getTokenValue();

        // PKCS #1 v1.5 signatures are deterministic: same key and input, same bytes, whoever computes them.
        assertThat(withNative.encode(parameters).getTokenValue()).isEqualTo(expected);
        assertThat(withJdk.encode(parameters).getTokenValue()).isEqualTo(expected);
        assertThat(withJdk.signingProvider(rsa)).isEqualTo("JDK");
        assumeThat(nativeProvider()).isPresent();
        assertThat(withNative.signingProvider(rsa)).isEqualTo(nativeProvider().get().getName());
        SignedJWT jwt = SignedJWT.parse(expected);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("rsa-1");
        assertThat(jwt.verify(new RSASSAVerifier(rsa.toPublicJWK()))).isTrue();
    }

    @Test
    void es256TokensHaveSpringsHeaderAndClaimsAndVerifyWithTheJdk() throws Exception {
        var spring = new NimbusJwtEncoder(keys);
        var withNative = new TokenSignatures(keys, TokenSignaturesTest::nativeProvider);
        JwtEncoderParameters parameters = token(SignatureAlgorithm.ES256);

        SignedJWT expected = SignedJWT.parse(spring.encode(parameters).getTokenValue());
        var jwt = withNative.encode(parameters);
        SignedJWT signed = SignedJWT.parse(jwt.getTokenValue());

        // ECDSA signatures are random: compare what is signed, and check the signature with the JDK.
        assertThat(signed.getHeader().toBase64URL()).isEqualTo(expected.getHeader().toBase64URL());
        assertThat(signed.getPayload().toBase64URL()).isEqualTo(expected.getPayload().toBase64URL());
        assertThat(signed.verify(new ECDSAVerifier(ec.toPublicJWK()))).isTrue();
        assertThat(jwt.getHeaders()).containsEntry("kid", "ec-1");
        assertThat(jwt.getClaims()).containsEntry("sub", "payroll-sync");
        assertThat(jwt.getExpiresAt()).isEqualTo(parameters.getClaims().getExpiresAt());
        assumeThat(nativeProvider()).isPresent();
        assertThat(withNative.signingProvider(ec)).isEqualTo(nativeProvider().get().getName());
    }

    @Test
    void aProviderThatCannotTakeTheKeyLeavesSigningToTheJdk() throws Exception {
        // SunJCE has no RSA or EC key factory: the signer for the key is the JDK's, and tokens still verify.
        Provider noRsa = Security.getProvider("SunJCE");
        var encoder = new TokenSignatures(keys, () -> Optional.of(noRsa));

        SignedJWT rs = SignedJWT.parse(encoder.encode(token(SignatureAlgorithm.RS256)).getTokenValue());
        SignedJWT es = SignedJWT.parse(encoder.encode(token(SignatureAlgorithm.ES256)).getTokenValue());

        assertThat(rs.verify(new RSASSAVerifier(rsa.toPublicJWK()))).isTrue();
        assertThat(es.verify(new ECDSAVerifier(ec.toPublicJWK()))).isTrue();
        assertThat(encoder.signingProvider(rsa)).isEqualTo("JDK");
        assertThat(encoder.signingProvider(ec)).isEqualTo("JDK");
    }

    @Test
    void theProviderIsLookedUpOnceAtTheFirstSignatureNotAtStartUp() {
        AtomicInteger lookups = new AtomicInteger();
        var encoder = new TokenSignatures(keys, () -> {
            lookups.incrementAndGet();
            return Optional.empty();
        });
        assertThat(lookups).hasValue(0);

        encoder.encode(token(SignatureAlgorithm.RS256));
        encoder.encode(token(SignatureAlgorithm.ES256));
        encoder.encode(token(SignatureAlgorithm.RS256));

        assertThat(lookups).hasValue(1);
    }

    @Test
    void aKeyIdWithNoKeyAndAnAlgorithmWithNoKeyAreRefused() {
        var encoder = new TokenSignatures(keys, Optional::empty);
        var unknownKid = JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId("gone").build(),
                token(SignatureAlgorithm.RS256).getClaims());

        assertThatThrownBy(() -> encoder.encode(unknownKid)).isInstanceOf(JwtEncodingException.class)
                .hasMessageContaining("Failed to select a JWK signing key");
        assertThatThrownBy(() -> encoder.encode(token(SignatureAlgorithm.PS256))).isInstanceOf(JwtEncodingException.class);
    }

    @Test
    void theSettingIsAutoOrJdk() {
        assertThat(SignatureProvider.of("jdk")).isEmpty();
        assertThat(SignatureProvider.checked("auto")).isEqualTo("auto");
        assertThatThrownBy(() -> SignatureProvider.checked("openssl")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("portvakt.tokens.signing-provider");
    }
}
