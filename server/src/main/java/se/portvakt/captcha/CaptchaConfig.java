package se.portvakt.captcha;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import se.portvakt.cluster.SharedSecrets;
import se.portvakt.config.PortvaktProperties;

/** The one place that chooses the CAPTCHA adapter, by {@code portvakt.captcha.provider}. */
@Configuration(proxyBeanMethods = false)
class CaptchaConfig {

    /** The name of the HMAC key among the shared secrets. */
    static final String HMAC_KEY_NAME = "altcha-hmac-key";

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
     * one node must pass on every other (issue 14). A configured key must be the same on every node.
     */
    private static byte[] hmacKey(String configured, SharedSecrets shared) {
        if (configured != null && !configured.isBlank()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        return shared.secret(HMAC_KEY_NAME, 32);
    }
}
