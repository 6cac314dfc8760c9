package se.portvakt.authenticator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;

/** The messages are the compact ES256 JWS of decision 0019, header and payload as the server reads them. */
class MessageTest {

    private static final URI ISSUER = URI.create("https://id.example.com/sso");
    private static final Instant NOW = Instant.parse("2026-11-30T01:00:00Z");

    private final Authenticator authenticator = new Authenticator(Path.of("unused.json"), HttpClient.newHttpClient(),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aPairingMessageCarriesTheNewPublicKeyAndIsSignedByIt() throws Exception {
        ECKey key = Authenticator.newKey();
        PushSubscription push = new PushSubscription("https://push.example.net/abc", "BPUBLIC", "AUTH");

        Signed signed = authenticator.pairingMessage(new PairingTarget(ISSUER, "ABCDEFGHJKLM"), "Laptop",
                Optional.of(push)).signForPairing(key);

        assertThat(signed.url()).isEqualTo(URI.create("https://id.example.com/sso/authenticator/api/pair"));
        JWSObject jws = JWSObject.parse(signed.compact());
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jws.getHeader().getType().toString()).isEqualTo("portvakt-pair+jwt");
        assertThat(jws.getHeader().getKeyID()).isNull();
        ECKey sent = (ECKey) jws.getHeader().getJWK();
        assertThat(sent.isPrivate()).as("the private key never leaves").isFalse();
        assertThat(sent).isEqualTo(key.toPublicJWK());
        assertThat(jws.verify(new ECDSAVerifier(sent))).isTrue();
        Map<String, Object> claims = jws.getPayload().toJSONObject();
        assertThat(claims).containsEntry("code", "ABCDEFGHJKLM").containsEntry("name", "Laptop")
                .containsEntry("htu", "https://id.example.com/sso/authenticator/api/pair")
                .containsEntry("iat", NOW.getEpochSecond())
                .containsEntry("push", Map.of("endpoint", "https://push.example.net/abc",
                        "keys", Map.of("p256dh", "BPUBLIC", "auth", "AUTH")));
        assertThat((String) claims.get("jti")).matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void aDeviceMessageNamesItsKeyAndItsEndpointAndIsNeverTheSameTwice() throws Exception {
        Account account = new Account(ISSUER, "erik@example.com", "dev-1", "Laptop", Authenticator.newKey(), NOW,
                null);

        Signed approval = authenticator.signedApproval(account, "req-1", 42);
        Signed again = authenticator.signedApproval(account, "req-1", 42);

        JWSObject jws = approval.jws();
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jws.getHeader().getType().toString()).isEqualTo("portvakt-device+jwt");
        assertThat(jws.getHeader().getKeyID()).isEqualTo("dev-1");
        assertThat(jws.getHeader().getJWK()).isNull();
        assertThat(jws.verify(new ECDSAVerifier(account.key().toPublicJWK()))).isTrue();
        assertThat(jws.getPayload().toJSONObject())
                .containsEntry("htu", "https://id.example.com/sso/authenticator/api/decide")
                .containsEntry("iat", NOW.getEpochSecond())
                .containsEntry("request", "req-1").containsEntry("decision", "approve").containsEntry("number", 42L)
                .containsKey("jti");
        assertThat(again.jws().getPayload().toJSONObject().get("jti"))
                .isNotEqualTo(jws.getPayload().toJSONObject().get("jti"));
        assertThat(authenticator.signedDenial(account, "req-1").jws().getPayload().toJSONObject())
                .containsEntry("decision", "deny").doesNotContainKey("number");
    }

    @Test
    void aClearedSubscriptionIsSentAsNull() throws Exception {
        Account account = new Account(ISSUER, "erik@example.com", "dev-1", "Laptop", Authenticator.newKey(), NOW,
                null);

        Signed signed = authenticator.sign(account, authenticator.message(account, Operation.SUBSCRIPTION)
                .with("push", null));

        assertThat(signed.jws().getPayload().toString()).contains("\"push\":null");
    }
}
