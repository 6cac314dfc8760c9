package se.portvakt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

/** The keys the JWKS endpoint publishes, as an application or a resource server fetches them to verify a JWT. */
public final class PublishedKeys {

    private PublishedKeys() {}

    /** A verifier for the published key that the token's header names (kid), of the header's algorithm. */
    public static JWSVerifier verifier(String issuer, SignedJWT token) throws Exception {
        JWKSet published = JWKSet.parse(new HttpAgent(issuer).get("/oauth2/jwks").body());
        JWK key = published.getKeyByKeyId(token.getHeader().getKeyID());
        assertThat(key).as("kid %s is published", token.getHeader().getKeyID()).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(key.getAlgorithm()).isEqualTo(token.getHeader().getAlgorithm());
        return key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) key);
    }
}
