package se.portvakt.factor.push;

/**
 * A device approved or denied a request of this sign-in; published after commit on the node that handled the
 * device's call (other nodes notice by reading {@link PushRequests#latest}).
 */
public record PushDecided(String flowId, String requestId, PushRequest.State state) {}
