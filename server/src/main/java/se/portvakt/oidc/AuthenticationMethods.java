package se.portvakt.oidc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;

/**
 * Reads the factors a person passed (Spring Security factor authorities set by the sign-in) as the ID token's
 * {@code amr} (RFC 8176 values), {@code acr} and {@code auth_time}.
 */
final class AuthenticationMethods {

    static final String ACR_ONE_FACTOR = "urn:portvakt:acr:1fa";
    static final String ACR_TWO_FACTORS = "urn:portvakt:acr:2fa";

    private static final Map<String, String> AMR = Map.of(
            FactorGrantedAuthority.PASSWORD_AUTHORITY, "pwd",
            // A link sent by email (reset or one-time sign-in link); not in RFC 8176's registry, which has no such method.
            FactorGrantedAuthority.OTT_AUTHORITY, "email",
            "FACTOR_TOTP", "otp",
            "FACTOR_SMS", "sms",
            "FACTOR_EMERGENCY_CODE", "otp",
            "FACTOR_PUSH", "swk");

    private final List<String> amr = new ArrayList<>();
    private Instant authTime;

    AuthenticationMethods(Authentication authentication) {
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            if (authority instanceof FactorGrantedAuthority factor) {
                String method = AMR.get(factor.getAuthority());
                if (method != null && !amr.contains(method)) {
                    amr.add(method);
                }
                if (authTime == null || factor.getIssuedAt().isAfter(authTime)) {
                    authTime = factor.getIssuedAt();
                }
            }
        }
        // "mfa" (RFC 8176) when two different factors were passed.
        if (amr.size() > 1) {
            amr.add("mfa");
        }
    }

    boolean isPresent() {
        return authTime != null;
    }

    List<String> amr() {
        return amr;
    }

    String acr() {
        return amr.contains("mfa") ? ACR_TWO_FACTORS : ACR_ONE_FACTOR;
    }

    Instant authTime() {
        return authTime;
    }
}
