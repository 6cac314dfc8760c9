package se.portvakt.recovery;

import java.util.Optional;

import org.springframework.stereotype.Component;

import se.portvakt.account.EmailAddress;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.Sha256;
import se.portvakt.ratelimit.AttemptLimiter;
import se.portvakt.ratelimit.AttemptLimiter.Admission;
import se.portvakt.ratelimit.AttemptLimiter.Counted;
import se.portvakt.ratelimit.AttemptLimiter.Limit;

/**
 * How many recovery mails an email address may be sent (decision 0015), so that nobody can bomb a mailbox and
 * nobody but the owner can use up the owner's mail: each client address has its own allowance per email address;
 * all of them together have a ceiling per email address; each client address has a ceiling for all the addresses
 * it asks for; and the browser in which the account last signed in is served past the first three within a cap of
 * its own. Everything is counted on the request path, the same for every email address; whether a browser's mark
 * belongs to the address's account is learnt off the request path, with the account look-up.
 */
@Component
class RecoveryMailLimits {

    /**
     * What the counters allow one request: {@code refusal} says why the request is refused as from anyone (null
     * when it is not), and {@code ownBrowserMark} is the browser's mark while that browser is under its own cap,
     * to be served in spite of the refusal when it is the mark of the address's account.
     */
    record Allowance(String refusal, Optional<String> ownBrowserMark) {}

    private final AttemptLimiter limiter;
    private final Limit perSource;
    private final Limit perEmail;
    private final Limit perClientAddress;
    private final Limit perBrowser;

    RecoveryMailLimits(AttemptLimiter limiter, PortvaktProperties properties) {
        PortvaktProperties.Recovery settings = properties.recovery();
        this.limiter = limiter;
        this.perSource = new Limit("recovery.email.source", settings.emailsPerAddress(), settings.emailWindow());
        this.perEmail = new Limit("recovery.email", settings.emailsPerAddressTotal(), settings.emailWindow());
        this.perClientAddress = new Limit("recovery.address", settings.emailsPerClientAddress(), settings.emailWindow());
        this.perBrowser = new Limit("recovery.browser", settings.emailsPerAddress(), settings.emailWindow());
    }

    /** Counts a request for a mail to {@code email} from {@code clientAddress}, in a browser with this mark. */
    Allowance count(EmailAddress email, String clientAddress, Optional<String> browserMark) {
        boolean underSource = admit(perSource, email.value() + ' ' + clientAddress);
        boolean underClientAddress = admit(perClientAddress, clientAddress);
        // Only requests that their own source may make count toward the ceiling, or one stranger could reach it.
        String refusal = !underSource ? "too many for this email from this client address"
                : !underClientAddress ? "too many from this client address"
                : !admit(perEmail, email.value()) ? "too many for this email from all client addresses"
                : null;
        // The mark's hash, not the mark, names the counter: the counters are no place for a browser's secret.
        Optional<String> ownBrowserMark = browserMark.filter(mark -> admit(perBrowser, Sha256.hex(mark)));
        return new Allowance(refusal, ownBrowserMark);
    }

    /** Counts one request against the limit while it is under it, in one statement; says whether it was. */
    private boolean admit(Limit limit, String key) {
        return limiter.admit(new Counted(limit, key)) instanceof Admission.Admitted;
    }
}
