package se.portvakt.signin.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import se.portvakt.testing.OnH2;

/**
 * A step's answer is stored only while the flow is still at the step it was read at: a copy of a form refused after
 * another copy moved the sign-in on does not put it back (the lost update the set-up code race across nodes found).
 */
@OnH2
class SignInFlowStoreTest {

    @Autowired
    SignInFlowStore flows;

    @Test
    void anAnswerToAStepTheFlowHasLeftIsNotStored() {
        Instant now = Instant.now();
        SignInFlow read = new SignInFlow("store-" + UUID.randomUUID(), Step.AUTHENTICATOR_SETUP_CODE, null, null,
                "test-web", "/", List.of(), 0, now, now.plus(Duration.ofMinutes(15)));
        flows.insert(read);

        assertThat(flows.updateFrom(Step.AUTHENTICATOR_SETUP_CODE, read.atStep(Step.SMS_BACKUP))).isTrue();
        assertThat(flows.updateFrom(Step.AUTHENTICATOR_SETUP_CODE, read.failedOnce()))
                .as("the refused copy, read before the flow moved on").isFalse();

        assertThat(flows.find(read.id(), now).orElseThrow().step()).isEqualTo(Step.SMS_BACKUP);
    }
}
