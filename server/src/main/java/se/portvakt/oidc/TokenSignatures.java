package se.portvakt.oidc;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtEncodingException;

/**
 * Signs every token Portvakt issues (access, ID and logout tokens) with the key {@link SigningKeys} names for its
 * algorithm, as Spring's {@code NimbusJwtEncoder} does (the same key selection, headers and claims, so the same
 * bytes), but with the signature computed by {@link SignatureProvider}'s native provider when there is one: an
 * RS256 signature is most of a client-credentials request's CPU time (decision 0049).
 *
 * <p>A key's private part is handed to the native provider once, when its signer is made, and that signer's first
 * signature is verified with the JDK before it is used; a key the provider cannot take, or a signature the JDK does
 * not verify, falls back to the JDK's provider for that key (logged).
 */
final class TokenSignatures implements JwtEncoder {

    private static final Logger log = LoggerFactory.getLogger(TokenSignatures.class);

    /** Spring's wording, so that logs and errors read as they did with its encoder. */
    private static final String FAILED = "An error occurred while attempting to encode the Jwt: ";

    private static final JwsHeader DEFAULT_HEADER = JwsHeader.with(SignatureAlgorithm.RS256).build();

    /** Keys rotate rarely; a bound keeps retired keys' signers from piling up in a long-running process. */
    private static final int MAX_SIGNERS = 16;

    private final JWKSource<SecurityContext> keys;
    private final Supplier<Optional<Provider>> provider;
    private final Map<JWK, JWSSigner> signers = new ConcurrentHashMap<>();
    private final DefaultJWSSignerFactory jdkSigners = new DefaultJWSSignerFactory();

    /** @param provider the native provider, looked up once on the first signature (not at start-up) */
    TokenSignatures(JWKSource<SecurityContext> keys, Supplier<Optional<Provider>> provider) {
        this.keys = keys;
        this.provider = memoized(provider);
    }

    @Override
    public Jwt encode(JwtEncoderParameters parameters) throws JwtEncodingException {
        JwsHeader headers = parameters.getJwsHeader() != null ? parameters.getJwsHeader() : DEFAULT_HEADER;
        JwtClaimsSet claims = parameters.getClaims();
        JWK key = select(headers);
        headers = withKeyId(headers, key);
        try {
            SignedJWT jwt = new SignedJWT(header(headers), claims(claims));
            jwt.sign(signer(key));
            return new Jwt(jwt.serialize(), claims.getIssuedAt(), claims.getExpiresAt(), headers.getHeaders(),
                    claims.getClaims());
        } catch (JOSEException | RuntimeException e) {
            throw new JwtEncodingException(FAILED + e.getMessage(), e);
        }
    }

    /** The one signing key of the header's algorithm (and key id, when it names one), as Spring selects it. */
    private JWK select(JwsHeader headers) {
        JWSAlgorithm algorithm = JWSAlgorithm.parse(headers.getAlgorithm().getName());
        if (!JWSAlgorithm.Family.RSA.contains(algorithm) && !JWSAlgorithm.Family.EC.contains(algorithm)) {
            throw new JwtEncodingException(FAILED + "Unsupported algorithm '" + algorithm + "'");
        }
        JWKMatcher matcher = new JWKMatcher.Builder()
                .keyType(KeyType.forAlgorithm(algorithm))
                .keyID(headers.getKeyId())
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(algorithm, null)
                .x509CertSHA256Thumbprint(headers.getX509SHA256Thumbprint() == null ? null
                        : new Base64URL(headers.getX509SHA256Thumbprint()))
                .build();
        List<JWK> found;
        try {
            found = keys.get(new JWKSelector(matcher), null);
        } catch (Exception e) {
            throw new JwtEncodingException(FAILED + "Failed to select a JWK signing key -> " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new JwtEncodingException(FAILED + "Failed to select a JWK signing key");
        }
        if (found.size() > 1) {
            throw new JwtEncodingException(
                    FAILED + "Found multiple JWK signing keys for algorithm '" + algorithm.getName() + "'");
        }
        return found.get(0);
    }

    private static JwsHeader withKeyId(JwsHeader headers, JWK key) {
        JwsHeader.Builder builder = null;
        if (headers.getKeyId() == null && key.getKeyID() != null) {
            builder = JwsHeader.from(headers).keyId(key.getKeyID());
        }
        if (headers.getX509SHA256Thumbprint() == null && key.getX509CertSHA256Thumbprint() != null) {
            builder = (builder != null ? builder : JwsHeader.from(headers))
                    .x509SHA256Thumbprint(key.getX509CertSHA256Thumbprint().toString());
        }
        return builder != null ? builder.build() : headers;
    }

    /** Spring's header as Nimbus's: names and values as JSON has them (URLs as strings, the algorithm by name). */
    private static JWSHeader header(JwsHeader headers) {
        Map<String, Object> json = new HashMap<>();
        headers.getHeaders().forEach((name, value) -> json.put(name, jsonValue(value)));
        json.put("alg", headers.getAlgorithm().getName());
        try {
            return JWSHeader.parse(json);
        } catch (java.text.ParseException e) {
            throw new JwtEncodingException(FAILED + e.getMessage(), e);
        }
    }

    private static Object jsonValue(Object value) {
        if (value instanceof URL url) {
            return url.toExternalForm();
        }
        if (value instanceof Collection<?> values && !(value instanceof List<?>)) {
            return new ArrayList<>(values);
        }
        return value;
    }

    /** Spring's claims as Nimbus's, registered claims first, the way {@code NimbusJwtEncoder} converts them. */
    private static JWTClaimsSet claims(JwtClaimsSet claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        Object issuer = claims.getClaim(JwtClaimNames.ISS);
        if (issuer != null) {
            builder.issuer(issuer.toString());
        }
        if (claims.getSubject() != null && !claims.getSubject().isBlank()) {
            builder.subject(claims.getSubject());
        }
        if (claims.getAudience() != null && !claims.getAudience().isEmpty()) {
            builder.audience(claims.getAudience());
        }
        date(claims.getExpiresAt()).ifPresent(builder::expirationTime);
        date(claims.getNotBefore()).ifPresent(builder::notBeforeTime);
        date(claims.getIssuedAt()).ifPresent(builder::issueTime);
        if (claims.getId() != null && !claims.getId().isBlank()) {
            builder.jwtID(claims.getId());
        }
        Map<String, Object> custom = new HashMap<>();
        claims.getClaims().forEach((name, value) -> {
            if (!JWTClaimsSet.getRegisteredNames().contains(name)) {
                custom.put(name, value);
            }
        });
        custom.forEach(builder::claim);
        return builder.build();
    }

    private static Optional<Date> date(Instant instant) {
        return Optional.ofNullable(instant).map(Date::from);
    }

    /** The provider that signs with this key ("JDK" when the JDK's default providers do), for tests and logs. */
    String signingProvider(JWK key) throws JOSEException {
        Provider jca = signer(key).getJCAContext().getProvider();
        return jca == null ? "JDK" : jca.getName();
    }

    private JWSSigner signer(JWK key) throws JOSEException {
        JWSSigner signer = signers.get(key);
        if (signer == null) {
            signer = newSigner(key);
            if (signers.size() >= MAX_SIGNERS) {
                signers.clear();
            }
            signers.put(key, signer);
        }
        return signer;
    }

    private JWSSigner newSigner(JWK key) throws JOSEException {
        Optional<Provider> nativeProvider = provider.get();
        if (nativeProvider.isPresent() && (key instanceof RSAKey || key instanceof ECKey)) {
            try {
                JWSSigner signer = nativeSigner(key, nativeProvider.get());
                if (verifiedByTheJdk(signer, key)) {
                    return signer;
                }
                log.error("Signing key {}: the JDK does not verify {}'s signature; signing with the JDK's provider",
                        key.getKeyID(), nativeProvider.get().getName());
            } catch (Exception e) {
                log.warn("Signing key {}: {} cannot sign with it ({}); signing with the JDK's provider", key.getKeyID(),
                        nativeProvider.get().getName(), e.toString());
            }
        }
        return jdkSigners.createJWSSigner(key);
    }

    /** A signer whose private key the provider holds in its own (native) form, translated once. */
    private static JWSSigner nativeSigner(JWK key, Provider provider) throws Exception {
        if (key instanceof RSAKey rsa) {
            PrivateKey translated = (PrivateKey) KeyFactory.getInstance("RSA", provider).translateKey(rsa.toPrivateKey());
            RSASSASigner signer = new RSASSASigner(translated);
            signer.getJCAContext().setProvider(provider);
            return signer;
        }
        ECKey ec = (ECKey) key;
        PrivateKey translated = (PrivateKey) KeyFactory.getInstance("EC", provider).translateKey(ec.toPrivateKey());
        ECDSASigner signer = new ECDSASigner(translated, ec.getCurve());
        signer.getJCAContext().setProvider(provider);
        return signer;
    }

    private static boolean verifiedByTheJdk(JWSSigner signer, JWK key) throws JOSEException {
        JWSAlgorithm algorithm = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        if (key.getAlgorithm() instanceof JWSAlgorithm stated) {
            algorithm = stated;
        }
        JWSObject probe = new JWSObject(new JWSHeader(algorithm),
                new Payload("portvakt signature check".getBytes(StandardCharsets.US_ASCII)));
        probe.sign(signer);
        JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa.toRSAPublicKey())
                : new ECDSAVerifier(((ECKey) key).toECPublicKey());
        return probe.verify(verifier);
    }

    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T current = value;
                if (current == null) {
                    synchronized (this) {
                        current = value;
                        if (current == null) {
                            current = supplier.get();
                            value = current;
                        }
                    }
                }
                return current;
            }
        };
    }
}
