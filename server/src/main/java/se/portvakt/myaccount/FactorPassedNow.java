package se.portvakt.myaccount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

import se.portvakt.factor.FactorKind;

/**
 * 2FA just turned on by a method added on My account: the method's proof (the app's first code, the device paired by
 * this session's code) is a second factor passed now, as at the sign-in's set-up, so this session stays a two-factor
 * one (else {@link AccountGate} would ask for the method it was just given).
 */
final class FactorPassedNow {

    private static final SecurityContextHolderStrategy HOLDER = SecurityContextHolder.getContextHolderStrategy();
    private static final SecurityContextRepository CONTEXTS = new HttpSessionSecurityContextRepository();

    private FactorPassedNow() {}

    static void record(FactorKind kind, HttpServletRequest request, HttpServletResponse response) {
        Authentication session = HOLDER.getContext().getAuthentication();
        List<GrantedAuthority> factors = new ArrayList<>(session.getAuthorities());
        factors.add(FactorGrantedAuthority.withAuthority(kind.authority()).issuedAt(Instant.now()).build());
        UsernamePasswordAuthenticationToken passed = UsernamePasswordAuthenticationToken.authenticated(
                session.getPrincipal(), null, factors);
        passed.setDetails(session.getDetails());
        SecurityContext context = HOLDER.createEmptyContext();
        context.setAuthentication(passed);
        HOLDER.setContext(context);
        CONTEXTS.saveContext(context, request, response);
    }
}
