package se.portvakt.signin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The HTTP exchange a step runs in: for cookies, and the client's address for limits and the audit log. */
record StepContext(HttpServletRequest request, HttpServletResponse response) {

    String address() {
        return request.getRemoteAddr();
    }
}
