package se.portvakt.signin;

import java.net.HttpCookie;
import java.net.URI;
import java.time.Instant;
import java.util.function.UnaryOperator;

import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.testing.HttpAgent;

/** A test's hand on a browser's sealed sign-in flow (decision 0065): what the browser holds, and a changed copy of it. */
final class FlowCookies {

    private FlowCookies() {}

    /** The flow the browser holds in its cookie. */
    static SignInFlow of(FlowCookie cookie, HttpAgent browser) {
        String value = browser.cookie(FlowCookie.FLOW);
        if (value == null) {
            throw new AssertionError("the browser holds no sealed flow");
        }
        return cookie.flow(value).orElseThrow(() -> new AssertionError("the browser's flow cookie does not open"));
    }

    /** Replaces the browser's flow with {@code change} of it, sealed as the server seals it. */
    static void change(FlowCookie cookie, HttpAgent browser, String issuer, UnaryOperator<SignInFlow> change) {
        put(browser, issuer, cookie.sealed(change.apply(of(cookie, browser))));
    }

    /** The browser's flow as if its time had run out. */
    static void expire(FlowCookie cookie, HttpAgent browser, String issuer) {
        change(cookie, browser, issuer, flow -> new SignInFlow(flow.id(), flow.step(), flow.email(), flow.accountId(),
                flow.clientId(), flow.continueUrl(), flow.passedFactors(), flow.attempts(), flow.createdAt(),
                Instant.now().minusSeconds(60)));
    }

    /** Sets the browser's flow cookie to {@code value} (anything: an altered one, or none with the empty string). */
    static void put(HttpAgent browser, String issuer, String value) {
        var store = browser.cookies().getCookieStore();
        URI server = URI.create(issuer + "/");
        // As java.net.CookieManager stores a cookie without a Domain attribute: the host's, ".local" added to one
        // without a dot; a cookie of another domain would sit beside the server's instead of replacing it.
        String host = server.getHost();
        String domain = host.contains(".") ? host : host + ".local";
        store.getCookies().stream().filter(c -> c.getName().equals(FlowCookie.FLOW)).toList()
                .forEach(c -> store.remove(server, c));
        if (!value.isEmpty()) {
            HttpCookie replaced = new HttpCookie(FlowCookie.FLOW, value);
            replaced.setPath("/");
            replaced.setDomain(domain);
            replaced.setVersion(0);
            store.add(server, replaced);
        }
    }
}
