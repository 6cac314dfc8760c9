package se.portvakt.account;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A well-formed email address, lower-cased, so that a malformed one cannot travel through the code.
 *
 * <p>Deliberately permissive (RFC 5321 lengths, one {@code @}, a dotted domain): the proof that an address
 * works is the email we send to it, not a regular expression.
 */
public record EmailAddress(String value) {

    private static final Pattern SHAPE = Pattern.compile("^[^\\s@]{1,64}@[^\\s@.]+(\\.[^\\s@.]+)+$");

    public EmailAddress {
        if (value == null || value.length() > 254 || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a well-formed email address");
        }
        value = value.toLowerCase(Locale.ROOT);
    }

    /** The address typed by a person, trimmed, if it is well formed. */
    public static Optional<EmailAddress> parse(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new EmailAddress(typed.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
