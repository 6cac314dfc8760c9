package se.portvakt.oidc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** Factors that say who this is; a password and a link from an email are both first factors. */
    private static final Set<String> FIRST_FACTORS = Set.of(FactorGrantedAuthority.PASSWORD_AUTHORITY,
            FactorGrantedAuthority.OTT_AUTHORITY);

    /** Factors that confirm a first one: something the person has (an app, a phone) or the emergency code. */
    private static final Set<String> SECOND_FACTORS = Set.of("FACTOR_TOTP", "FACTOR_SMS", "FACTOR_EMERGENCY_CODE",
            "FACTOR_PUSH");

    private final List<String> amr = new ArrayList<>();
    private final boolean twoFactors;
    private Instant authTime;

    AuthenticationMethods(Authentication authentication) {
        boolean first = false;
        boolean second = false;
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            if (authority instanceof FactorGrantedAuthority factor) {
                String method = AMR.get(factor.getAuthority());
                if (method != null && !amr.contains(method)) {
                    amr.add(method);
                }
                first |= FIRST_FACTORS.contains(factor.getAuthority());
                second |= SECOND_FACTORS.contains(factor.getAuthority());
                if (authTime == null || factor.getIssuedAt().isAfter(authTime)) {
                    authTime = factor.getIssuedAt();
                }
            }
        }
        // "mfa" (RFC 8176) and the 2fa level only for a first factor confirmed by a second: a password and a link
        // from an email are two ways of saying who one is, and both are in the reach of whoever reads the mailbox.
        twoFactors = first && second;
        if (twoFactors) {
            amr.add("mfa");
        }
    }

    /** True when a first factor and a second factor were passed: two-factor authentication. */
    boolean isTwoFactor() {
        return twoFactors;
    }

    boolean isPresent() {
        return authTime != null;
    }

    List<String> amr() {
        return amr;
    }

    String acr() {
        return twoFactors ? ACR_TWO_FACTORS : ACR_ONE_FACTOR;
    }

    Instant authTime() {
        return authTime;
    }
}
