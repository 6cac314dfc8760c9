package se.portvakt.oidc;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;

import se.portvakt.account.Account;

/** The standard claims about an account that the granted scopes allow (OpenID Connect Core 5.4). */
final class AccountClaims {

    private AccountClaims() {}

    static Map<String, Object> of(Account account, Collection<String> scopes) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (scopes.contains(OidcScopes.EMAIL)) {
            claims.put(StandardClaimNames.EMAIL, account.email().value());
            claims.put(StandardClaimNames.EMAIL_VERIFIED, account.emailVerified());
        }
        if (scopes.contains(OidcScopes.PROFILE) && account.name() != null) {
            claims.put(StandardClaimNames.NAME, account.name());
        }
        return claims;
    }
}
