package se.portvakt.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/** The security headers on every response: a strict Content Security Policy, no framing, no referrer. */
public final class SecurityHeaders {

    /**
     * Pages load only their own stylesheet, script and images; nothing may frame them. No form-action
     * directive: browsers apply it to the redirect to the application after a sign-in form. The web app
     * Portvakt Authenticator ({@code /authenticator/}) needs its own service worker and web manifest
     * ({@code worker-src}, {@code manifest-src}; without the latter the manifest falls to {@code default-src 'none'}).
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            + "script-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; "
            + "frame-ancestors 'none'";

    private SecurityHeaders() {}

    public static void apply(HeadersConfigurer<?> headers) {
        apply(headers, Map.of());
    }

    /**
     * The same headers, with a third party's origins added to some directives (a CAPTCHA provider's script and
     * frames, only when that provider is configured).
     */
    public static void apply(HeadersConfigurer<?> headers, Map<String, String> extraSources) {
        String policy = contentSecurityPolicy(extraSources);
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(policy))
                .frameOptions(HeadersConfigurer.FrameOptionsConfig::deny)
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER));
    }

    /**
     * The policy with sources added by directive ({@code "script-src" -> "https://challenges.cloudflare.com"}); a
     * directive that the policy lacks (so falls back to {@code default-src 'none'}) is added with them.
     */
    public static String contentSecurityPolicy(Map<String, String> extraSources) {
        Map<String, String> directives = new LinkedHashMap<>();
        for (String directive : CONTENT_SECURITY_POLICY.split("; ")) {
            int space = directive.indexOf(' ');
            directives.put(directive.substring(0, space), directive.substring(space + 1));
        }
        extraSources.forEach((directive, sources) -> directives.merge(directive, sources, (own, extra) -> own + ' ' + extra));
        StringJoiner policy = new StringJoiner("; ");
        directives.forEach((directive, sources) -> policy.add(directive + ' ' + sources));
        return policy.toString();
    }
}
