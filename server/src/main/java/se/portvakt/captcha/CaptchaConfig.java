package se.portvakt.captcha;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import se.portvakt.cluster.SharedSecrets;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.config.RefusedSetting;

/** The one place that chooses the CAPTCHA adapter, by {@code portvakt.captcha.provider}. */
@Configuration(proxyBeanMethods = false)
class CaptchaConfig {

    /** The name of the HMAC key among the shared secrets. */
    static final String HMAC_KEY_NAME = "altcha-hmac-key";

    /** The name of the configured key's fingerprint among the shared secrets. */
    static final String HMAC_KEY_FINGERPRINT = "altcha-hmac-key-fingerprint";

    private static final String SETTING = "portvakt.captcha.altcha.hmac-key";

    /** How an operator changes the configured key (or goes back to the stored one) on purpose. */
    private static final String CHANGE = "To change it on purpose, stop every node, delete the stored fingerprint"
            + " (DELETE FROM shared_secret WHERE name = '" + HMAC_KEY_FINGERPRINT + "'), and start the nodes with"
            + " the new value; see docs/cluster.md.";

    @Bean
    CaptchaVerifier captchaVerifier(CaptchaProperties captcha, PortvaktProperties portvakt, SpentChallenges spent,
            SharedSecrets shared) {
        if (captcha.provider() == CaptchaProvider.ALTCHA) {
            CaptchaProperties.Altcha altcha = captcha.altcha();
            return new ProofOfWorkCaptcha(hmacKey(altcha.hmacKey(), shared), altcha.maxNumber(), altcha.challengeTtl(), spent,
                    Clock.systemUTC());
        }
        return new SiteverifyCaptcha(captcha.provider(), captcha.siteKey(), captcha.secret(), captcha.verifyUrl(),
                captcha.timeout(), URI.create(portvakt.issuer()).getHost());
    }

    /** The widget that the fragment {@code captcha :: widget} shows, as {@code @captchaWidget}. */
    @Bean
    CaptchaWidget captchaWidget(CaptchaVerifier verifier) {
        return verifier.widget();
    }

    /**
     * The configured key, or else the one kept in the database, made at the first start: a challenge handed out by
     * one node must pass on every other (issue 14). A configured key must be the same on every node: the first
     * node's fingerprint of it is kept, and a node whose key differs, or that has none while others have one, does
     * not start (a challenge from it would fail on every other node, and the other way round).
     */
    private static byte[] hmacKey(String configured, SharedSecrets shared) {
        if (configured != null && !configured.isBlank()) {
            byte[] key = configured.getBytes(StandardCharsets.UTF_8);
            if (!shared.sameOnEveryNode(HMAC_KEY_FINGERPRINT, key)) {
                throw new RefusedSetting(SETTING + " differs from the one the other nodes on this database started"
                        + " with: a proof-of-work challenge from this node would fail on every other.",
                        "Set the same value on every node. " + CHANGE);
            }
            return key;
        }
        if (shared.stored(HMAC_KEY_FINGERPRINT)) {
            throw new RefusedSetting(SETTING + " is not set here, but the other nodes on this database started with"
                    + " it set: a proof-of-work challenge from this node would fail on every other.",
                    "Set the same value on every node. " + CHANGE);
        }
        return shared.secret(HMAC_KEY_NAME, 32);
    }
}
