package se.portvakt.config;

import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/** The security headers on every response: a strict Content Security Policy, no framing, no referrer. */
public final class SecurityHeaders {

    /**
     * Pages load only their own stylesheet, script and images; nothing may frame them. No form-action
     * directive: browsers apply it to the redirect to the application after a sign-in form.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            + "script-src 'self'; connect-src 'self'; worker-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {}

    public static void apply(HeadersConfigurer<?> headers) {
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(HeadersConfigurer.FrameOptionsConfig::deny)
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER));
    }
}
