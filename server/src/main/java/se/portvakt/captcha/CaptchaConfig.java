package se.portvakt.captcha;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import se.portvakt.config.PortvaktProperties;

/** The one place that chooses the CAPTCHA adapter, by {@code portvakt.captcha.provider}. */
@Configuration(proxyBeanMethods = false)
class CaptchaConfig {

    @Bean
    CaptchaVerifier captchaVerifier(CaptchaProperties captcha, PortvaktProperties portvakt, SpentChallenges spent) {
        if (captcha.provider() == CaptchaProvider.ALTCHA) {
            CaptchaProperties.Altcha altcha = captcha.altcha();
            return new ProofOfWorkCaptcha(hmacKey(altcha.hmacKey()), altcha.maxNumber(), altcha.challengeTtl(), spent,
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

    /** The configured key, or a random one for this process only (enough for a single node). */
    private static byte[] hmacKey(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.getBytes(StandardCharsets.UTF_8);
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
