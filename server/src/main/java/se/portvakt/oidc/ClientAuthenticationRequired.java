package se.portvakt.oidc;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Answers a token, introspection or revocation request that carries no client credentials the way RFC 6749 5.2
 * says: 401 with the JSON error {@code invalid_client}. Spring Authorization Server sends an empty 401, which
 * client libraries report as an unreadable response instead of the error it is.
 */
final class ClientAuthenticationRequired implements AuthenticationEntryPoint {

    private static final OAuth2Error INVALID_CLIENT = new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
            "Client authentication failed: no client credentials were sent", null);

    private final OAuth2ErrorHttpMessageConverter json = new OAuth2ErrorHttpMessageConverter();

    /** The endpoints where a client, not a person, must authenticate. */
    static RequestMatcher endpoints(String... paths) {
        RequestMatcher[] matchers = new RequestMatcher[paths.length];
        for (int i = 0; i < paths.length; i++) {
            matchers[i] = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, paths[i]);
        }
        return new OrRequestMatcher(matchers);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        ServletServerHttpResponse httpResponse = new ServletServerHttpResponse(response);
        httpResponse.setStatusCode(HttpStatus.UNAUTHORIZED);
        json.write(INVALID_CLIENT, null, httpResponse);
    }
}
