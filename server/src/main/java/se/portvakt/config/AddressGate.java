package se.portvakt.config;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves some paths only to clients at listed addresses (the client address of decision 0014); to anyone else they
 * answer 404, as an address that does not exist does, so that they are not advertised.
 */
final class AddressGate extends OncePerRequestFilter {

    private final Map<RequestMatcher, AddressRanges> allowed;

    /** @param allowed for each group of paths, the addresses it is served to */
    AddressGate(Map<RequestMatcher, AddressRanges> allowed) {
        this.allowed = Map.copyOf(allowed);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        for (var rule : allowed.entrySet()) {
            if (rule.getKey().matches(request) && !rule.getValue().contains(request.getRemoteAddr())) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
