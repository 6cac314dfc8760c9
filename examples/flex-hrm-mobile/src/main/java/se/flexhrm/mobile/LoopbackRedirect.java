package se.flexhrm.mobile;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Where the browser brings the sign-in back (RFC 8252 7.3): a listener on the loopback address 127.0.0.1 (not
 * {@code localhost}, which may resolve elsewhere, 8.3) on a port the system picks, for one sign-in. The first
 * answer at {@code /callback} counts: one with this sign-in's {@code state} and a code is the app's to exchange, an
 * error or a foreign state ends the sign-in. The browser gets a small page telling the person to return to the app.
 */
final class LoopbackRedirect implements AutoCloseable {

    static final String PATH = "/callback";

    private final HttpServer server;
    private final State state;
    private final String appName;
    private final CompletableFuture<AuthenticationSuccessResponse> answer = new CompletableFuture<>();

    private LoopbackRedirect(HttpServer server, State state, String appName) {
        this.server = server;
        this.state = state;
        this.appName = appName;
    }

    /** Starts listening on 127.0.0.1, on a free port, for the answer to the sign-in with this {@code state}. */
    static LoopbackRedirect listen(State state, String appName) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
        LoopbackRedirect redirect = new LoopbackRedirect(server, state, appName);
        server.createContext("/", redirect::handle);
        server.start();
        return redirect;
    }

    /** The redirect URI to register the request with: {@code http://127.0.0.1:PORT/callback}. */
    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Waits for the browser: the successful answer, or why there is none (an error, a foreign state, the timeout). */
    AuthenticationSuccessResponse await(Duration timeout) throws SignInFailed {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SignInFailed("the browser did not come back in time (" + timeout.toSeconds() + " s)."
                    + " Run the command again (--timeout SECONDS waits longer).");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SignInFailed failed) {
                throw failed;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignInFailed("interrupted while waiting for the browser.");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                send(exchange, 404, Page.NOT_HERE);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, Page.NOT_HERE);
                return;
            }
            if (answer.isDone()) {
                // A reload of the page, or a second answer: the first one decided.
                send(exchange, 200, Page.RETURN);
                return;
            }
            URI arrived = URI.create(redirectUri() + (exchange.getRequestURI().getRawQuery() == null
                    ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            Page page;
            Object outcome;
            try {
                AuthenticationResponse response = AuthenticationResponseParser.parse(arrived);
                if (!state.equals(response.getState())) {
                    page = Page.NOT_EXPECTED;
                    outcome = new SignInFailed("the browser came back with an answer to another sign-in (its state did"
                            + " not match this one's), so it was not used. Run the command again.");
                } else if (!response.indicatesSuccess()) {
                    page = Page.NOT_COMPLETED;
                    outcome = ProviderError.describe("the sign-in", response.toErrorResponse().getErrorObject());
                } else if (response.toSuccessResponse().getAuthorizationCode() == null) {
                    page = Page.NOT_EXPECTED;
                    outcome = new SignInFailed("the browser came back without a code or an error. Run the command again.");
                } else {
                    page = Page.RETURN;
                    outcome = response.toSuccessResponse();
                }
            } catch (ParseException e) {
                page = Page.NOT_EXPECTED;
                outcome = new SignInFailed("the browser came back with an answer that could not be read ("
                        + Terminal.safe(e.getMessage()) + "). Run the command again.");
            }
            // The page first, then the answer: the command may stop listening as soon as it has the answer.
            send(exchange, 200, page);
            if (outcome instanceof SignInFailed failed) {
                answer.completeExceptionally(failed);
            } else {
                answer.complete((AuthenticationSuccessResponse) outcome);
            }
        }
    }

    private void send(HttpExchange exchange, int status, Page page) throws IOException {
        byte[] body = page.html(appName).getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/html; charset=utf-8");
        headers.set("Cache-Control", "no-store");
        // The address holds the code: nothing on the page may load from elsewhere or be told where it came from.
        headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
                + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** What the browser shows after the redirect: the person's next step is always back in the app. */
    enum Page {
        RETURN("You can return to the app", "You're signed in to %s. Return to the app to go on; you can close this tab."),
        NOT_COMPLETED("Sign-in not completed", "Return to the app: it says what happened. You can close this tab."),
        NOT_EXPECTED("This sign-in was not expected", "%s did not start this sign-in, so it was not used."
                + " Return to the app and sign in again from there."),
        NOT_HERE("Nothing here", "This address only receives sign-ins for %s.");

        private final String heading;
        private final String text;

        Page(String heading, String text) {
            this.heading = heading;
            this.text = text;
        }

        String html(String appName) {
            return """
                    <!doctype html>
                    <html lang="en">
                    <head>
                    <meta charset="utf-8">
                    <meta name="viewport" content="width=device-width, initial-scale=1">
                    <title>%s - %s</title>
                    <link rel="icon" href="data:,">
                    <style>
                      body { font-family: system-ui, sans-serif; background: #f3f4f6; color: #111827; margin: 0; padding: 0 1rem; }
                      main { max-width: 28rem; margin: 15vh auto 0; padding: 2rem; background: #fff; border-radius: 12px;
                             box-shadow: 0 1px 3px rgba(0, 0, 0, .12); text-align: center; }
                      .app { color: #0f766e; font-weight: 600; letter-spacing: .02em; }
                      h1 { font-size: 1.5rem; margin: .75rem 0; }
                      p { line-height: 1.5; margin: 0; }
                    </style>
                    </head>
                    <body>
                    <main>
                    <p class="app">%s</p>
                    <h1>%s</h1>
                    <p>%s</p>
                    </main>
                    </body>
                    </html>
                    """.formatted(heading, appName, appName, heading, text.formatted(appName));
        }
    }
}
