package se.portvakt.delivery.logout;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The port for telling an application that a session ended (OpenID Connect Back-Channel Logout 1.0, section 2.5):
 * a logout token delivered to its {@code backchannel-logout-uri}. Adapter: {@link HttpLogoutTokenSender}. Nothing is
 * retried here; {@code oidc.BackChannelLogout} keeps the queue and decides.
 */
public interface LogoutTokenSender {

    /** What the application answered: delivered (2xx) or not, and in a few words what happened, for the audit log. */
    record Outcome(boolean delivered, String detail) {}

    /** Sends the token; completes (never exceptionally) with the outcome once answered or timed out. */
    CompletableFuture<Outcome> send(URI endpoint, String logoutToken);
}
