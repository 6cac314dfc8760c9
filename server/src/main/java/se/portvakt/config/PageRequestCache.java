package se.portvakt.config;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;

/**
 * Saves the page a person asked for before the sign-in (My account's {@code /account}), by its path alone. The sign-in
 * reads an application from the saved request's {@code client_id} (its look, its 2FA rule); a page of Portvakt's own
 * has none, so a link such as {@code /account?client_id=flex-hrm} cannot dress Portvakt's sign-in in another look.
 * A page is saved to be shown again: a form posted to it (a change on My account that asked for a recent sign-in)
 * comes back as its page, never as a repeated post. The authorization endpoint saves its requests with its own cache,
 * whole.
 */
public final class PageRequestCache extends HttpSessionRequestCache {

    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        super.saveRequest(new PathOnly(request), response);
    }

    /** The request without its query string and parameters. */
    private static final class PathOnly extends HttpServletRequestWrapper {

        PathOnly(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getMethod() {
            return "GET";
        }

        @Override
        public String getQueryString() {
            return null;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return Map.of();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public String getParameter(String name) {
            return null;
        }

        @Override
        public String[] getParameterValues(String name) {
            return null;
        }
    }
}
