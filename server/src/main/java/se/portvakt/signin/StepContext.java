package se.portvakt.signin;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.support.RequestContextUtils;

/** The HTTP exchange a step runs in: for cookies, and the client's address for limits and the audit log. */
record StepContext(HttpServletRequest request, HttpServletResponse response) {

    String address() {
        return request.getRemoteAddr();
    }

    /** The language of the pages, for texts sent by mail or SMS. */
    Locale locale() {
        return RequestContextUtils.getLocale(request);
    }
}
