package se.portvakt.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

import se.portvakt.account.EmailAddress;
import se.portvakt.password.PasswordPolicy.Violation;

/** A person choosing a new password meets the NIST SP 800-63B rules, and nothing more. */
class PasswordPolicyTest {

    private static final EmailAddress ANNA = new EmailAddress("anna.svensson@company.com");
    private final PasswordPolicy policy = new PasswordPolicy(8, 64, PasswordPolicy.loadCommonPasswords());

    @Test
    void aGoodPassphrasePasses() {
        assertThat(policy.check("correct horse battery staple", ANNA)).isEmpty();
        assertThat(policy.check("kvällssol över sjön", ANNA)).isEmpty();
    }

    @Test
    void oneCharacterBelowTheMinimumIsTooShortAndTheMinimumItselfIsEnough() {
        assertThat(policy.check("x7#kq2p", ANNA)).containsExactly(Violation.TOO_SHORT);
        assertThat(policy.check("x7#kq2pz", ANNA)).isEmpty();
    }

    @Test
    void theMinimumIsConfigurable() {
        PasswordPolicy fifteen = new PasswordPolicy(15, 64, java.util.Set.of());
        assertThat(fifteen.check("fourteen chars", null)).containsExactly(Violation.TOO_SHORT);
        assertThat(fifteen.check("fifteen chars!!", null)).isEmpty();
        assertThat(fifteen.minLength()).isEqualTo(15);
    }

    @Test
    void aMinimumBelowEightIsRefusedAtStartUp() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PasswordPolicy(7, 64, java.util.Set.of()))
                .withMessageContaining("at least 8");
    }

    @Test
    void oneCharacterAboveTheMaximumIsTooLong() {
        assertThat(policy.check("q".repeat(63) + "z", ANNA)).isEmpty();
        assertThat(policy.check("q".repeat(64) + "z", ANNA)).containsExactly(Violation.TOO_LONG);
    }

    @Test
    void aCommonPasswordIsRefusedWhateverItsCase() {
        assertThat(policy.check("baseball", ANNA)).containsExactly(Violation.COMMON);
        assertThat(policy.check("BaseBall", ANNA)).containsExactly(Violation.COMMON);
        assertThat(policy.check("PASSWORD", ANNA)).contains(Violation.COMMON);
    }

    @Test
    void thePersonsOwnEmailAddressOrItsLocalPartIsRefused() {
        assertThat(policy.check("my ANNA.SVENSSON@company.com!", ANNA)).containsExactly(Violation.CONTAINS_EMAIL);
        assertThat(policy.check("hello anna.svensson 2024", ANNA)).containsExactly(Violation.CONTAINS_EMAIL);
    }

    @Test
    void aShortLocalPartIsNotHeldAgainstThePassword() {
        EmailAddress bo = new EmailAddress("bo@company.com");
        assertThat(policy.check("bob the boat builder", bo)).isEmpty();
    }

    @Test
    void lengthIsCountedInUnicodeCodePointsNotJavaChars() {
        // Seven emoji are 14 UTF-16 chars but 7 characters for a person: too short.
        String sevenEmoji = "\uD83D\uDD12".repeat(7);
        assertThat(sevenEmoji.length()).isEqualTo(14);
        assertThat(policy.check(sevenEmoji, ANNA)).containsExactly(Violation.TOO_SHORT);
        assertThat(policy.check("\uD83D\uDD12".repeat(8), ANNA)).isEmpty();
        // 64 emoji are 128 chars, and still within the maximum of 64 characters.
        assertThat(policy.check("\uD83D\uDD11".repeat(64), ANNA)).isEmpty();
        assertThat(policy.check("åäöÅÄÖéü", ANNA)).isEmpty();
    }

    @Test
    void everyBrokenRuleIsReported() {
        PasswordPolicy small = new PasswordPolicy(8, 10, java.util.Set.of());
        assertThat(small.check("anna.svensson@company.com", ANNA))
                .containsExactlyInAnyOrder(Violation.TOO_LONG, Violation.CONTAINS_EMAIL);
    }

    @Test
    void eachViolationNamesItsMessage() {
        assertThat(Violation.TOO_SHORT.messageKey()).isEqualTo("password.rule.too-short");
        assertThat(Violation.COMMON.messageKey()).isEqualTo("password.rule.common");
    }
}
