package se.portvakt.factor.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.AccountStore;
import se.portvakt.factor.Sha256;
import se.portvakt.factor.sms.SmsCodes.Check;
import se.portvakt.factor.sms.SmsCodes.Purpose;
import se.portvakt.factor.sms.SmsCodes.Sending;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TwoFactorPerson;

/**
 * An SMS code at rest: six digits are a million guesses, so a stored hash must not be something a copy of the
 * database alone can be tried against. Each code has a random salt of its own and a hash keyed by the server.
 */
abstract class SmsCodesAtRestTest {

    @OnH2
    static class OnEmbeddedDatabase extends SmsCodesAtRestTest {}

    @OnPostgres
    static class OnPostgreSql extends SmsCodesAtRestTest {}

    @Autowired
    SmsCodes codes;

    @Autowired
    AccountStore accounts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theStoredHashIsNotAPlainHashOfTheRowIdAndTheCode() {
        String account = TestPeople.account(accounts, "sms.at.rest", null).id();
        String phone = TwoFactorPerson.e164(TwoFactorPerson.uniqueMobile());
        assertThat(codes.send(account, Purpose.CONFIRM_NUMBER, phone, Locale.ENGLISH)).isInstanceOf(Sending.Sent.class);
        String code = new TwoFactorPerson(jdbc).smsCodeTo(phone);
        var row = jdbc.sql("SELECT id, code_hash FROM sms_code WHERE account_id = :a").param("a", account)
                .query((rs, n) -> new String[] {rs.getString("id"), rs.getString("code_hash")}).single();

        assertThat(row[1]).isNotEqualTo(Sha256.hex(row[0] + ':' + code)).isNotEqualTo(Sha256.hex(row[0] + code))
                .isNotEqualTo(Sha256.hex(code)).doesNotContain(code);
        assertThat(codes.check(account, Purpose.CONFIRM_NUMBER, "000000".equals(code) ? "000001" : "000000"))
                .isEqualTo(Check.WRONG);
        assertThat(codes.check(account, Purpose.CONFIRM_NUMBER, code)).isEqualTo(Check.ACCEPTED);
        assertThat(codes.check(account, Purpose.CONFIRM_NUMBER, code)).isEqualTo(Check.NONE_VALID);
    }

    @Test
    void twoEqualCodesAreStoredDifferently() {
        SmsCodes.Sealed first = codes.seal("123456");
        SmsCodes.Sealed second = codes.seal("123456");

        assertThat(first.salt()).isNotEqualTo(second.salt());
        assertThat(first.hash()).isNotEqualTo(second.hash());
        assertThat(codes.matches(first, "123456")).isTrue();
        assertThat(codes.matches(second, "123456")).isTrue();
        assertThat(codes.matches(first, "123457")).isFalse();
    }
}
