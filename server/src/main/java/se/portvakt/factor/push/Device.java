package se.portvakt.factor.push;

import java.time.Instant;

/**
 * A device paired with an account in Portvakt Authenticator: the web app on a phone, or the command-line
 * authenticator. The server keeps its public key only.
 *
 * @param id the device id, the {@code kid} of its signed calls
 * @param name the name the device gave itself ("Pixel 8")
 * @param reachable whether it has a push subscription (otherwise it finds requests when it is opened)
 */
public record Device(String id, String accountId, String name, Instant createdAt, Instant lastUsedAt, boolean reachable) {}
