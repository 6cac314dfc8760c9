package se.portvakt.signin;

import java.util.Locale;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.support.RequestContextUtils;

/** The HTTP exchange a step runs in: for cookies, and the client's address for limits and the audit log. */
public record StepContext(HttpServletRequest request, HttpServletResponse response) {

    /**
     * Runs work that must hold no pooled connection (a password hash, a call to an SMS gateway or a push service)
     * outside the step's transaction: what the step wrote before it is committed first, and the rest of the step runs
     * in a new transaction (decision 0048). Outside a step's transaction it just runs the work.
     */
    public <T> T outsideTransaction(Supplier<T> work) {
        return request.getAttribute(StepTransactions.OPEN) instanceof StepTransactions.Open open
                ? open.outside(work) : work.get();
    }

    public String address() {
        return request.getRemoteAddr();
    }

    /** The language of the pages, for texts sent by mail or SMS. */
    public Locale locale() {
        return RequestContextUtils.getLocale(request);
    }
}
