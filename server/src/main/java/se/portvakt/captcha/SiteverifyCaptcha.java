package se.portvakt.captcha;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A third party's CAPTCHA (reCAPTCHA, hCaptcha, Turnstile), checked with its siteverify API: a form POST of the
 * secret, the token and the person's address, answered by JSON with {@code success}, {@code error-codes} and the
 * {@code hostname} the widget ran on. Anything but a clear success for our host fails closed.
 */
final class SiteverifyCaptcha implements CaptchaVerifier {

    private static final Logger log = LoggerFactory.getLogger(SiteverifyCaptcha.class);
    /** Turnstile's documented maximum is 2048 characters; the others are shorter. */
    private static final int MAX_TOKEN_LENGTH = 4_096;

    private final CaptchaWidget widget;
    private final String secret;
    private final URI verifyUrl;
    private final Duration timeout;
    private final String expectedHostname;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param verifyUrl the siteverify endpoint, null for the provider's official one
     * @param expectedHostname the host the widget must have run on (the issuer's), or null not to check
     */
    SiteverifyCaptcha(CaptchaProvider provider, String siteKey, String secret, URI verifyUrl, Duration timeout,
            String expectedHostname) {
        if (provider.siteverifyUrl() == null) {
            throw new IllegalArgumentException(provider + " has no siteverify API");
        }
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("portvakt.captcha.secret is needed for " + provider);
        }
        this.widget = new CaptchaWidget(provider, siteKey);
        this.secret = secret;
        this.verifyUrl = verifyUrl != null ? verifyUrl : provider.siteverifyUrl();
        this.timeout = timeout;
        this.expectedHostname = expectedHostname;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CaptchaResult verify(String token, String clientAddress) {
        if (token == null || token.isBlank()) {
            return new CaptchaResult.Failed("missing");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return new CaptchaResult.Failed("malformed");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request(token, clientAddress), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return unavailable("no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted");
        }
        if (response.statusCode() != 200) {
            return unavailable("HTTP " + response.statusCode());
        }
        return answer(response.body());
    }

    @Override
    public CaptchaWidget widget() {
        return widget;
    }

    private HttpRequest request(String token, String clientAddress) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("secret", secret);
        form.put("response", token);
        if (clientAddress != null && !clientAddress.isBlank()) {
            form.put("remoteip", clientAddress);
        }
        if (widget.provider() == CaptchaProvider.HCAPTCHA) {
            form.put("sitekey", widget.siteKey()); // hCaptcha then also checks that the token is for our site key.
        }
        String body = form.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(verifyUrl)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private CaptchaResult answer(String body) {
        JsonNode answer;
        try {
            answer = json.readTree(body);
        } catch (JacksonException e) {
            return unavailable("not JSON");
        }
        JsonNode success = answer == null ? null : answer.get("success");
        if (success == null || !success.isBoolean()) {
            return unavailable("no success field");
        }
        if (!success.booleanValue()) {
            JsonNode codes = answer.get("error-codes");
            return new CaptchaResult.Failed("error-codes " + (codes == null ? "[]" : codes.toString()));
        }
        JsonNode hostname = answer.get("hostname");
        if (expectedHostname != null && hostname != null && hostname.isString()
                && !expectedHostname.equalsIgnoreCase(hostname.asString())) {
            return new CaptchaResult.Failed("solved on " + hostname.asString());
        }
        return new CaptchaResult.Passed();
    }

    private CaptchaResult unavailable(String reason) {
        log.warn("{} siteverify at {} failed, refusing the CAPTCHA: {}", widget.provider(), verifyUrl, reason);
        return new CaptchaResult.Unavailable(reason);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
