package se.portvakt.authenticator.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

/**
 * The Portvakt Authenticator without a screen: the device side of decision 0019 over a state file. The command
 * line ({@link Main}) is one caller; the server's tests are the other, using it as the phone. Every call answers
 * with an {@link Outcome}; an expected HTTP answer never throws (a damaged or unwritable state file does).
 *
 * <p>The high-level calls ({@link #pair}, {@link #pending}, {@link #approve}, ...) keep the state file: a pairing
 * stores the account, a {@code 401 unknown_device} marks it removed and forgets its key. The low-level ones ({@link #message},
 * {@link #sign}, {@link #signedApproval}, {@link #send}) build, sign and post single messages and leave the state
 * file alone, so a test can replay a message or sign with a foreign key. One instance may be used from several
 * threads (the state file is changed under a lock), and several instances may share a state file.
 */
public final class Authenticator {

    /** The environment variable naming the state file. */
    public static final String STATE_ENVIRONMENT = "PORTVAKT_AUTHENTICATOR_STATE";

    private final AccountFile state;
    private final DeviceApi api;
    private final Clock clock;

    /** An authenticator over the state file, with its own HTTP client and the system clock. */
    public Authenticator(Path stateFile) {
        this(stateFile, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Clock.systemUTC());
    }

    /**
     * An authenticator over the state file.
     *
     * @param http posts the messages; it should not follow redirects (a signed message is for one URL)
     * @param clock gives each message its {@code iat}
     */
    public Authenticator(Path stateFile, HttpClient http, Clock clock) {
        this.state = new AccountFile(stateFile);
        this.api = new DeviceApi(http, clock);
        this.clock = clock;
    }

    /**
     * The state file to use: {@code PORTVAKT_AUTHENTICATOR_STATE} when set, else
     * {@code ~/.config/portvakt-authenticator/accounts.json}.
     */
    public static Path defaultStateFile(Map<String, String> environment) {
        String named = environment.get(STATE_ENVIRONMENT);
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        return Path.of(System.getProperty("user.home"), ".config", "portvakt-authenticator", "accounts.json");
    }

    /** The state file, absolute. */
    public Path stateFile() {
        return state.path();
    }

    /**
     * Pairs a new key with the account that shows the code, and stores the account (replacing an earlier pairing
     * of the same account at the same server on this device).
     *
     * @param linkOrCode the QR code's link, or the typed code
     * @param server the issuer; {@code null} when the link carries it
     * @param deviceName how the account's list of devices will name this device
     * @return {@link Outcome.Paired}, or {@link Outcome.Refused} ({@code invalid_code}, {@code slow_down},
     *     {@code invalid_request}) or {@link Outcome.Unreachable}
     * @throws IllegalArgumentException when {@code linkOrCode} is neither a pairing link nor a pairing code
     */
    public Outcome pair(String linkOrCode, URI server, String deviceName, Optional<PushSubscription> push) {
        return pair(PairingTarget.parse(linkOrCode, server), deviceName, push);
    }

    /** {@link #pair(String, URI, String, Optional)} with the link or code already read. */
    public Outcome pair(PairingTarget target, String deviceName, Optional<PushSubscription> push) {
        Outcome outcome = send(pairingMessage(target, deviceName, push).signForPairing(newKey()));
        if (outcome instanceof Outcome.Paired paired) {
            Account account = paired.account();
            state.update(accounts -> {
                List<Account> kept = new ArrayList<>();
                for (Account each : accounts) {
                    if (!each.isSameAccount(account.issuer(), account.email())) {
                        kept.add(each);
                    }
                }
                kept.add(account);
                return kept;
            });
        }
        return outcome;
    }

    /** The accounts in the state file, in the order they were paired, the removed ones included. */
    public List<Account> accounts() {
        return state.read();
    }

    /**
     * The account's sign-in requests still waiting.
     *
     * @return {@link Outcome.Requests}, or {@link Outcome.DeviceRemoved}, {@link Outcome.Refused},
     *     {@link Outcome.Unreachable}
     */
    public Outcome pending(Account account) {
        return call(account, paired -> sign(paired, message(paired, Operation.PENDING)));
    }

    /**
     * Approves a request with the number the person chose or typed.
     *
     * @return {@link Outcome.Approved}, {@link Outcome.WrongNumber} (a denial), {@link Outcome.Expired},
     *     {@link Outcome.Decided}, or {@link Outcome.DeviceRemoved}, {@link Outcome.Refused},
     *     {@link Outcome.Unreachable}
     */
    public Outcome approve(Account account, String requestId, int number) {
        return call(account, paired -> signedApproval(paired, requestId, number));
    }

    /**
     * Denies a request.
     *
     * @return {@link Outcome.Denied}, {@link Outcome.Expired}, {@link Outcome.Decided}, or
     *     {@link Outcome.DeviceRemoved}, {@link Outcome.Refused}, {@link Outcome.Unreachable}
     */
    public Outcome deny(Account account, String requestId) {
        return call(account, paired -> signedDenial(paired, requestId));
    }

    /**
     * Reports a request as "This wasn't me" (after denying it).
     *
     * @return {@link Outcome.Reported}, or {@link Outcome.DeviceRemoved}, {@link Outcome.Refused},
     *     {@link Outcome.Unreachable}
     */
    public Outcome report(Account account, String requestId) {
        return call(account, paired -> sign(paired, message(paired, Operation.REPORT).with("request", requestId)));
    }

    /**
     * Sets the device's push subscription, or clears it with an empty one.
     *
     * @return {@link Outcome.Done}, or {@link Outcome.DeviceRemoved}, {@link Outcome.Refused},
     *     {@link Outcome.Unreachable}
     */
    public Outcome updateSubscription(Account account, Optional<PushSubscription> push) {
        return call(account, paired -> sign(paired, message(paired, Operation.SUBSCRIPTION)
                .with("push", push.map(PushSubscription::claim).orElse(null))));
    }

    /**
     * Asks the server to forget this device, then forgets the account here. When the server already had
     * ({@link Outcome.DeviceRemoved}) the account is forgotten as well; on any other answer it is kept.
     *
     * @return {@link Outcome.Done}, or {@link Outcome.DeviceRemoved}, {@link Outcome.Refused},
     *     {@link Outcome.Unreachable}
     */
    public Outcome remove(Account account) {
        Outcome outcome = account.removed() ? new Outcome.DeviceRemoved("removed by the server earlier")
                : send(sign(account, message(account, Operation.REMOVE)));
        if (outcome instanceof Outcome.Done || outcome instanceof Outcome.DeviceRemoved) {
            forget(account);
        }
        return outcome;
    }

    /** Forgets the account here without telling the server (for a server that is gone). */
    public void forget(Account account) {
        state.update(accounts -> accounts.stream()
                .filter(each -> !(each.isSameAccount(account.issuer(), account.email())
                        && each.device().equals(account.device())))
                .toList());
    }

    // The low-level API: single messages, the state file untouched.

    /** A message of the account to {@code operation}: {@code htu}, {@code iat} now, a fresh {@code jti}. */
    public Message message(Account account, Operation operation) {
        return Message.to(account.issuer(), operation, clock.instant());
    }

    /** The pairing message for {@code target}, unsigned: sign it with {@link Message#signForPairing}. */
    public Message pairingMessage(PairingTarget target, String deviceName, Optional<PushSubscription> push) {
        Message message = Message.to(target.issuer(), Operation.PAIR, clock.instant())
                .with("code", target.code())
                .with("name", deviceName);
        return push.isPresent() ? message.with("push", push.get().claim()) : message;
    }

    /** The message signed with the account's key, named by its device id. */
    public Signed sign(Account account, Message message) {
        if (account.removed()) {
            throw new IllegalStateException(account + " has no key any more: the server removed it");
        }
        return message.signAsDevice(account.device(), account.key());
    }

    /** A signed {@code decide} approving the request with {@code number}. */
    public Signed signedApproval(Account account, String requestId, int number) {
        return sign(account, message(account, Operation.DECIDE)
                .with("request", requestId).with("decision", "approve").with("number", number));
    }

    /** A signed {@code decide} denying the request (no {@code number}). */
    public Signed signedDenial(Account account, String requestId) {
        return sign(account, message(account, Operation.DECIDE)
                .with("request", requestId).with("decision", "deny"));
    }

    /**
     * Posts a signed message as it is and reads the answer; the state file is not changed (not even by a
     * {@code 401} or a pairing). Sending one {@link Signed} twice is a replay.
     */
    public Outcome send(Signed signed) {
        return api.post(signed);
    }

    /** A new P-256 key pair for one account (decision 0019: one key per paired account). */
    static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys", e);
        }
    }

    /**
     * Signs and sends for a paired account, and remembers a {@code 401 unknown_device}: the account is marked removed and its key
     * forgotten. An account removed earlier is not asked about again.
     */
    private Outcome call(Account account, Function<Account, Signed> signing) {
        if (account.removed()) {
            return new Outcome.DeviceRemoved("removed by the server earlier");
        }
        Outcome outcome = send(signing.apply(account));
        if (outcome instanceof Outcome.DeviceRemoved) {
            state.update(accounts -> accounts.stream()
                    .map(each -> each.isSameAccount(account.issuer(), account.email())
                            && each.device().equals(account.device()) && !each.removed()
                            ? each.removedAt(clock.instant()) : each)
                    .toList());
        }
        return outcome;
    }
}
