package se.portvakt.signin.twofactor;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.springframework.stereotype.Component;

import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.FactorStore.Pending;
import se.portvakt.factor.sms.PhoneNumbers;
import se.portvakt.factor.sms.SmsCodes;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.StepContext;
import se.portvakt.signin.twofactor.SecondFactorAttempts.Verdict;

/**
 * Setting up an SMS number, for the sign-in's SMS backup pages (journey step 4c) and My account's: the number read
 * as E.164 ({@link PhoneNumbers}), kept as the set-up of the account for an hour, a code sent to it ({@link SmsCodes}
 * and its limits per account, per number and between two texts; audited {@code sms.code}), and that code checked
 * within the second factor's limits ({@link SecondFactorAttempts}, audited {@code factor.setup.sms}). A right code
 * saves the number only while it is still the number being set up and the code went to it.
 */
@Component
public class SmsNumberSetup {

    /** How long a number being set up waits for its code. */
    static final Duration SETUP_TIME = Duration.ofHours(1);

    private static final String AUDIT_TYPE = "factor.setup.sms";

    private final FactorStore factors;
    private final SmsCodes smsCodes;
    private final TwoFactorRoute route;
    private final SecondFactorAttempts attempts;

    SmsNumberSetup(FactorStore factors, SmsCodes smsCodes, TwoFactorRoute route, SecondFactorAttempts attempts) {
        this.factors = factors;
        this.smsCodes = smsCodes;
        this.route = route;
        this.attempts = attempts;
    }

    /** Who sets the number up: for the limits, the audit log ({@code clientId} null on My account) and the SMS's language. */
    public record Who(String accountId, String email, String clientId, String address, Locale locale) {

        public static Who of(SignInFlow flow, StepContext context) {
            return new Who(flow.accountId(), flow.email().value(), flow.clientId(), context.address(),
                    context.locale());
        }
    }

    /**
     * Reads the typed number and, when it is a mobile number, makes it the number being set up (replacing an
     * unfinished one) and sends it a code. Empty when it is not a number that can receive texts.
     */
    public Optional<SmsCodes.Sending> start(Who who, String country, String typed) {
        Optional<String> phone = PhoneNumbers.parse(country, typed);
        if (phone.isEmpty()) {
            return Optional.empty();
        }
        factors.savePending(who.accountId(), FactorKind.SMS, null, phone.get(), Instant.now().plus(SETUP_TIME));
        return Optional.of(send(who, phone.get()));
    }

    /** "Send a new code" to the number being set up; empty when none is (expired, or confirmed meanwhile). */
    public Optional<SmsCodes.Sending> resend(Who who) {
        return pendingPhone(who.accountId()).map(phone -> send(who, phone));
    }

    /** The number being set up, in E.164, unless its hour has passed. */
    public Optional<String> pendingPhone(String accountId) {
        return factors.pending(accountId, FactorKind.SMS).map(Pending::phone);
    }

    /**
     * Checks the code sent to {@code phone}, the number being set up, within the second factor's limits (a page
     * outside a sign-in; the sign-in's step counts with its flow): see {@link #check}.
     */
    public Verdict confirm(Who who, String phone, String code) {
        return attempts.counted(who.accountId(), who.email(), who.clientId(), who.address(), AUDIT_TYPE,
                () -> check(who.accountId(), phone, code));
    }

    /**
     * Checks the code sent to {@code phone}, uncounted: right, that number becomes the account's SMS number (replacing
     * an old one). Wrong: "not right", or "expired" when no code for it is waiting (never sent, expired, spent, too
     * many wrong entries) or it is no longer the number being set up.
     */
    public Verdict check(String accountId, String phone, String code) {
        if (phone == null) {
            return new Verdict.Wrong("twofactor.sms.expired");
        }
        SmsCodes.Check check = smsCodes.check(accountId, Purpose.CONFIRM_NUMBER, code, phone);
        if (check == SmsCodes.Check.WRONG) {
            return new Verdict.Wrong("twofactor.code.invalid");
        }
        if (check == SmsCodes.Check.NONE_VALID || !factors.confirmNumber(accountId, phone)) {
            return new Verdict.Wrong("twofactor.sms.expired");
        }
        return Verdict.RIGHT;
    }

    private SmsCodes.Sending send(Who who, String phone) {
        return route.sendCode(who.accountId(), who.email(), who.clientId(), who.address(), who.locale(),
                Purpose.CONFIRM_NUMBER, phone);
    }
}
