package se.portvakt.signin;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.support.RequestContextUtils;

/** The HTTP exchange a step runs in: for cookies, and the client's address for limits and the audit log. */
public record StepContext(HttpServletRequest request, HttpServletResponse response) {

    public String address() {
        return request.getRemoteAddr();
    }

    /** The language of the pages, for texts sent by mail or SMS. */
    public Locale locale() {
        return RequestContextUtils.getLocale(request);
    }
}
