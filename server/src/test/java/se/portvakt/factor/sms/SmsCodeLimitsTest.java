package se.portvakt.factor.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.sms.SmsCodes.Check;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.factor.sms.SmsCodes.Sending;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * Wrong codes: at most {@code sms-attempts-per-code} are compared with a code, also when they arrive together.
 * SMS pumping: however many accounts ask, one phone number gets at most {@code sms-per-number} texts per window
 * (10 per hour by default), and nothing is sent once it has had them.
 */
abstract class SmsCodeLimitsTest {

    @OnH2
    static class OnEmbeddedDatabase extends SmsCodeLimitsTest {}

    @OnPostgres
    static class OnPostgreSql extends SmsCodeLimitsTest {}

    @Autowired
    SmsCodes codes;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PortvaktProperties settings;

    @Test
    void oneNumberIsTextedAtMostTenTimesAnHourWhicheverAccountsAsk() {
        TwoFactorPerson outbox = new TwoFactorPerson(jdbc);
        String premium = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        for (int i = 0; i < 10; i++) {
            String account = TestPeople.account(accounts, "pump" + i, null).id();
            assertThat(codes.send(account, Purpose.CONFIRM_NUMBER, premium, Locale.ENGLISH))
                    .as("text %d", i + 1).isInstanceOf(Sending.Sent.class);
        }
        assertThat(outbox.textsTo(premium)).isEqualTo(10);

        String eleventh = TestPeople.account(accounts, "pump10", null).id();
        Sending refused = codes.send(eleventh, Purpose.CONFIRM_NUMBER, premium, Locale.ENGLISH);
        assertThat(refused).isInstanceOf(Sending.TooSoon.class);
        assertThat(((Sending.TooSoon) refused).retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
        assertThat(((Sending.TooSoon) refused).limitReached()).as("a limit, not the pause between codes").isTrue();
        assertThat(outbox.textsTo(premium)).as("nothing sent once the number had its texts").isEqualTo(10);

        // The same account can still have a code sent to a number of its own.
        String own = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        assertThat(codes.send(eleventh, Purpose.CONFIRM_NUMBER, own, Locale.ENGLISH)).isInstanceOf(Sending.Sent.class);
        assertThat(outbox.textsTo(own)).isEqualTo(1);
    }

    @Test
    void wrongCodesEnteredAtOnceAreComparedOnlyUpToTheCodesLimit() throws Exception {
        String account = TestPeople.account(accounts, "sms.burst", null).id();
        String phone = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        assertThat(codes.send(account, Purpose.SIGN_IN, phone, Locale.ENGLISH)).isInstanceOf(Sending.Sent.class);
        String sent = new TwoFactorPerson(jdbc).smsCodeTo(phone);
        String wrong = sent.equals("000000") ? "000001" : "000000";

        List<Check> checks = Race.run(200, () -> codes.check(account, Purpose.SIGN_IN, wrong));

        assertThat(checks).filteredOn(Check.WRONG::equals).hasSizeBetween(1, settings.twoFactor().smsAttemptsPerCode());
        assertThat(codes.check(account, Purpose.SIGN_IN, sent)).as("the code stopped working").isEqualTo(Check.NONE_VALID);
    }

    @Test
    void textsAskedForAtOnceByManyAccountsStayWithinTheNumbersLimit() throws Exception {
        String premium = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        List<String> askers = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            askers.add(TestPeople.account(accounts, "pump.burst" + i, null).id());
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

        List<Sending> sendings = Race.run(askers.size(),
                () -> codes.send(askers.get(next.getAndIncrement()), Purpose.CONFIRM_NUMBER, premium, Locale.ENGLISH));

        int limit = settings.twoFactor().smsPerNumber();
        assertThat(sendings).filteredOn(Sending.Sent.class::isInstance).hasSize(limit);
        assertThat(new TwoFactorPerson(jdbc).textsTo(premium)).isEqualTo(limit);
    }

    @Test
    void textsAskedForAtOnceByOneAccountAreOneForThePause() throws Exception {
        String account = TestPeople.account(accounts, "resend.burst", null).id();
        String phone = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());

        List<Sending> sendings = Race.run(20, () -> codes.send(account, Purpose.SIGN_IN, phone, Locale.ENGLISH));

        // One per pause; two only when the burst straddles the edge of a fixed counting window.
        assertThat(sendings).filteredOn(Sending.Sent.class::isInstance).hasSizeBetween(1, 2);
        assertThat(sendings).filteredOn(s -> !(s instanceof Sending.Sent)).allSatisfy(s -> assertThat(s)
                .isInstanceOfSatisfying(Sending.TooSoon.class, tooSoon -> assertThat(tooSoon.limitReached()).isFalse()));
        assertThat(new TwoFactorPerson(jdbc).textsTo(phone)).isBetween(1, 2);
    }
}
