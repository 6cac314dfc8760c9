package se.portvakt.delivery.push;

/**
 * Where a device receives push messages: a Web Push subscription as the browser's {@code PushManager} gives it
 * (RFC 8030 endpoint; RFC 8291 keys, base64url without padding).
 *
 * @param endpoint the push service's URL for this subscription
 * @param p256dh the device's P-256 public key for message encryption (65 bytes, uncompressed)
 * @param auth the 16-byte authentication secret
 */
public record PushSubscription(String endpoint, String p256dh, String auth) {}
