package se.portvakt.signin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
import org.springframework.security.web.util.UrlUtils;
import org.springframework.stereotype.Component;

/**
 * Where the application's authorization request waits while the person signs in (decision 0065): in the session when
 * the browser has one (a signed-in person asked for more factors or a fresh sign-in), else sealed in a cookie
 * ({@link FlowCookie}), so that a browser sent to the sign-in writes nothing to the database before its password has
 * passed. The authorization endpoint saves its requests here, and the sign-in reads them.
 */
@Component
public class SignInRequestCache implements RequestCache {

    private final HttpSessionRequestCache session = new HttpSessionRequestCache();
    private final FlowCookie cookie;

    SignInRequestCache(FlowCookie cookie) {
        this.cookie = cookie;
    }

    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        boolean inCookie = request.getSession(false) == null && "GET".equals(request.getMethod())
                && cookie.saveRequest(response, UrlUtils.buildFullRequestUrl(request));
        if (!inCookie) {
            session.saveRequest(request, response);
        }
    }

    @Override
    public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = session.getRequest(request, response);
        return saved != null ? saved : cookie.savedRequest(request).map(SimpleSavedRequest::new).orElse(null);
    }

    /** The session's request, when the browser came back for it; one saved in the cookie needs no matching. */
    @Override
    public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
        return session.getMatchingRequest(request, response);
    }

    @Override
    public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
        session.removeRequest(request, response);
        cookie.clear(request, response, FlowCookie.REQUEST);
    }
}
