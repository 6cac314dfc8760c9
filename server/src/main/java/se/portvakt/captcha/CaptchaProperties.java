package se.portvakt.captcha;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code portvakt.captcha.*} settings; the README's configuration table lists them.
 *
 * @param provider altcha (the built-in proof of work, default), recaptcha, hcaptcha or turnstile
 * @param siteKey the provider's public site key (not for altcha)
 * @param secret the provider's secret key (not for altcha)
 * @param verifyUrl the siteverify endpoint; empty means the provider's official one
 * @param timeout how long to wait for the provider's answer before refusing
 * @param altcha the built-in proof of work
 */
@ConfigurationProperties("portvakt.captcha")
public record CaptchaProperties(
        @DefaultValue("altcha") CaptchaProvider provider,
        String siteKey,
        String secret,
        URI verifyUrl,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue Altcha altcha) {

    /**
     * The built-in proof of work.
     *
     * @param hmacKey the key that signs challenges; when set, every node of a cluster must have the same one. Empty
     *     means a random key made at the first start and kept (encrypted) in the database, which every node reads
     * @param maxNumber the largest secret number; a browser tries half of them on average, so this sets the
     *     cost (the default took about 0.3 s in headless Chromium on a small server; a phone is a few times slower)
     * @param challengeTtl how long a challenge can be solved and submitted
     * @param challengesPerAddress challenges one client address may fetch per {@code challengeWindow}; a page with
     *     the widget fetches one, so an office behind one address needs room, while a flood is cut off
     * @param challengeWindow the window of that limit
     */
    public record Altcha(
            String hmacKey,
            @DefaultValue("20000") long maxNumber,
            @DefaultValue("10m") Duration challengeTtl,
            @DefaultValue("60") int challengesPerAddress,
            @DefaultValue("1m") Duration challengeWindow) {}
}
