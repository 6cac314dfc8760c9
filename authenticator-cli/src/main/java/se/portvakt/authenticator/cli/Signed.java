package se.portvakt.authenticator.cli;

import java.net.URI;
import java.text.ParseException;
import java.util.Objects;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.ECKey;

/**
 * A signed device message, ready to post: the compact JWS and the message it signs. Sending the same value twice
 * replays it (same {@code jti}), which is how a test shows that the server refuses a replay. Part of the tool's
 * low-level API, with {@link Message} and {@link Authenticator#send}.
 */
public final class Signed {

    private final Message message;
    private final String compact;
    private final ECKey key;

    Signed(Message message, String compact, ECKey key) {
        this.message = Objects.requireNonNull(message, "message");
        this.compact = Objects.requireNonNull(compact, "compact");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The message signed. */
    public Message message() {
        return message;
    }

    /** Where it is posted. */
    public URI url() {
        return message.url();
    }

    /** The compact serialization, the body of the POST. */
    public String compact() {
        return compact;
    }

    /** The JWS parsed back, to look at its header and payload. */
    public JWSObject jws() {
        try {
            return JWSObject.parse(compact);
        } catch (ParseException e) {
            throw new IllegalStateException("a JWS this class made does not parse", e);
        }
    }

    /** The signing key: after a pairing, the new account keeps it. Not exposed: it holds the private part. */
    ECKey key() {
        return key;
    }

    @Override
    public String toString() {
        return "Signed[" + message.operation().path() + " to " + url() + "]";
    }
}
