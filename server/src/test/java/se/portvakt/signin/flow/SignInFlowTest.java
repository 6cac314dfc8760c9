package se.portvakt.signin.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import se.portvakt.account.EmailAddress;
import se.portvakt.signin.SignInJourney;

/** The stored state of one sign-in moves through the steps as the journey says, and nothing else changes it. */
class SignInFlowTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private final SignInFlow started = new SignInFlow("flow-1", Step.IDENTIFY, null, null, "flex-hrm",
            "/oauth2/authorize?client_id=flex-hrm", List.of(), 0, NOW, NOW.plus(Duration.ofMinutes(15)));
    private static final PassedFactor LINK = new PassedFactor(SignInJourney.EMAIL_LINK_FACTOR, NOW.plusSeconds(60));

    @Test
    void givingAnEmailMovesToThePasswordStep() {
        SignInFlow identified = started.identified(new EmailAddress("anna@company.com"));

        assertThat(identified.step()).isEqualTo(Step.PASSWORD);
        assertThat(identified.email().value()).isEqualTo("anna@company.com");
        assertThat(identified.clientId()).isEqualTo("flex-hrm");
        assertThat(identified.continueUrl()).isEqualTo(started.continueUrl());
    }

    @Test
    void goingBackAndGivingAnotherEmailForgetsWhatThePreviousOneProved() {
        SignInFlow passed = started.identified(new EmailAddress("anna@company.com"))
                .passed("account-1", new PassedFactor(PassedFactor.PASSWORD, NOW), Step.DONE);

        SignInFlow other = passed.atStep(Step.IDENTIFY).identified(new EmailAddress("bo@company.com"));

        assertThat(other.accountId()).isNull();
        assertThat(other.passedFactors()).isEmpty();
    }

    @Test
    void aLinkForAnotherAccountForgetsWhatTheFirstAccountProved() {
        SignInFlow atPrompt = started.identified(new EmailAddress("anna@company.com"))
                .passed("account-1", new PassedFactor(PassedFactor.PASSWORD, NOW), Step.TWO_FACTOR_PROMPT);

        SignInFlow other = atPrompt.provenBy(new EmailAddress("bo@company.com"), "account-2", LINK, Step.DONE);

        assertThat(other.accountId()).isEqualTo("account-2");
        assertThat(other.email().value()).isEqualTo("bo@company.com");
        assertThat(other.passedFactors()).containsExactly(LINK);
    }

    @Test
    void theBackArrowThenALinkForAnotherAccountForgetsWhatTheFirstAccountProved() {
        SignInFlow back = started.identified(new EmailAddress("anna@company.com"))
                .passed("account-1", new PassedFactor(PassedFactor.PASSWORD, NOW), Step.TWO_FACTOR_PROMPT)
                .atStep(Step.IDENTIFY);

        SignInFlow other = back.provenBy(new EmailAddress("bo@company.com"), "account-2", LINK, Step.DONE);

        assertThat(other.passedFactors()).containsExactly(LINK);
    }

    @Test
    void aLinkForTheSameAccountAddsToWhatItProved() {
        PassedFactor password = new PassedFactor(PassedFactor.PASSWORD, NOW);
        SignInFlow passed = started.identified(new EmailAddress("anna@company.com"))
                .passed("account-1", password, Step.TWO_FACTOR_PROMPT);

        SignInFlow linked = passed.provenBy(new EmailAddress("anna@company.com"), "account-1", LINK, Step.DONE);

        assertThat(linked.passedFactors()).containsExactly(password, LINK);
    }

    @Test
    void aFactorOfAnotherAccountReplacesWhatTheFirstAccountProved() {
        SignInFlow passed = started.identified(new EmailAddress("anna@company.com"))
                .passed("account-1", new PassedFactor(PassedFactor.PASSWORD, NOW), Step.TWO_FACTOR_PROMPT);
        PassedFactor otherPassword = new PassedFactor(PassedFactor.PASSWORD, NOW.plusSeconds(5));

        SignInFlow other = passed.passed("account-2", otherPassword, Step.DONE);

        assertThat(other.passedFactors()).containsExactly(otherPassword);
    }

    @Test
    void passingAFactorRecordsItAndTheAccount() {
        SignInFlow passed = started.identified(new EmailAddress("anna@company.com"))
                .passed("account-1", new PassedFactor(PassedFactor.PASSWORD, NOW), Step.DONE);

        assertThat(passed.step()).isEqualTo(Step.DONE);
        assertThat(passed.accountId()).isEqualTo("account-1");
        assertThat(passed.passedFactors()).containsExactly(new PassedFactor("FACTOR_PASSWORD", NOW));
    }

    @Test
    void aFailureCountsAnAttemptAndStaysOnTheStep() {
        SignInFlow failed = started.identified(new EmailAddress("anna@company.com")).failedOnce().failedOnce();

        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.step()).isEqualTo(Step.PASSWORD);
    }

    @Test
    void aFlowExpiresAtItsExpiryTime() {
        assertThat(started.isExpired(NOW.plus(Duration.ofMinutes(14)))).isFalse();
        assertThat(started.isExpired(NOW.plus(Duration.ofMinutes(15)))).isTrue();
    }

    @Test
    void aPassedFactorSurvivesItsStoredForm() {
        PassedFactor factor = new PassedFactor("FACTOR_PASSWORD", NOW);

        assertThat(PassedFactor.decode(factor.encode())).isEqualTo(factor);
    }

    @Test
    void eachStepHasItsPage() {
        assertThat(Step.IDENTIFY.url()).isEqualTo("/signin");
        assertThat(Step.PASSWORD.url()).isEqualTo("/signin/password");
    }
}
