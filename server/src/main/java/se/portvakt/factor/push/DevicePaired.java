package se.portvakt.factor.push;

/**
 * A device paired with a code shown in this sign-in; published after commit on the node that handled the device's
 * call, so the browser waiting on this node moves on at once (other nodes notice by reading {@link Pairings#pairedBy}).
 */
public record DevicePaired(String flowId, String accountId, String deviceId) {}
