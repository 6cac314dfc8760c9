package se.portvakt.delivery.push;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Identifies this server to push services (RFC 8292): each message carries
 * {@code Authorization: vapid t=<JWT>, k=<public key>}, a JWT signed with ES256 by the VAPID key that the
 * subscriptions were made with, for the push service's origin, expiring well within the 24 hours allowed, naming
 * a contact ({@code sub}) the push service's operator can write to.
 *
 * @param key the server's VAPID key pair (P-256, with its private part)
 * @param subject a {@code mailto:} address or an {@code https:} URL
 */
record Vapid(ECKey key, String subject) {

    /** How long a token is valid; push services refuse more than 24 hours, some count from their own clock. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    /** The {@code Authorization} value for a message to {@code endpoint}, its token valid from {@code now}. */
    String authorization(URI endpoint, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(origin(endpoint))
                .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .subject(subject)
                .build();
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);
        try {
            token.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign the VAPID token", e);
        }
        return "vapid t=" + token.serialize() + ", k=" + applicationServerKey(key);
    }

    /** The public key as browsers take it ({@code applicationServerKey}): base64url of the uncompressed point. */
    static String applicationServerKey(ECKey key) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(PayloadEncryption.uncompressed(key.toECPublicKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("the VAPID key is not a usable P-256 key", e);
        }
    }

    /** The ASCII serialization of the URL's origin (RFC 6454): scheme, host and a port that is not the default. */
    static String origin(URI url) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
