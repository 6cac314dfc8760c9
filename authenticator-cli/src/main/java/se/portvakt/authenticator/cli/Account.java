package se.portvakt.authenticator.cli;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

import com.nimbusds.jose.jwk.ECKey;

/**
 * One paired account on this device (decision 0019: one key pair per account). The server knows the public half
 * of {@code key} under the id {@code device}; the private half never leaves the state file.
 *
 * @param issuer the server's issuer URL; every message of this account is posted below it
 * @param email the account's email address, as the server named it when pairing
 * @param device the device id the server gave the key: the {@code kid} of every message
 * @param name the name this device gave itself when pairing (shown in the account's list of devices)
 * @param key the P-256 key pair, with its private part; {@code null} once the server has removed the device
 * @param pairedAt when it was paired
 * @param removedAt when a call found the device removed by the server ({@code 401}); {@code null} while paired
 */
public record Account(URI issuer, String email, String device, String name, ECKey key, Instant pairedAt,
        Instant removedAt) {

    public Account {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pairedAt, "pairedAt");
        if (removedAt == null && (key == null || !key.isPrivate())) {
            throw new IllegalArgumentException("a paired account needs its private key");
        }
    }

    /** True once the server has said it no longer knows this device; the key is then forgotten. */
    public boolean removed() {
        return removedAt != null;
    }

    /** True for the same account at the same server (the email compared without case). */
    public boolean isSameAccount(URI otherIssuer, String otherEmail) {
        return issuer.equals(otherIssuer) && email.toLowerCase(Locale.ROOT).equals(otherEmail.toLowerCase(Locale.ROOT));
    }

    /** This account marked removed by the server, without its key. */
    Account removedAt(Instant when) {
        return new Account(issuer, email, device, name, null, pairedAt, when);
    }

    /** Without the key: a record's default {@code toString} would print the private key into logs. */
    @Override
    public String toString() {
        return "Account[" + email + " at " + issuer + ", device " + device + (removed() ? ", removed" : "") + "]";
    }
}
