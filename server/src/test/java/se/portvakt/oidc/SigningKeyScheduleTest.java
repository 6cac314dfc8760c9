package se.portvakt.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.junit.jupiter.api.Test;

import se.portvakt.oidc.SigningKeySchedule.Key;
import se.portvakt.oidc.SigningKeySchedule.State;

/**
 * A rotation by time (decision 0041): the new key is published from its creation and signs from its {@code sign_from};
 * the key it replaces signs until then and stays published until its {@code retire_after}. Each moment is asked of the
 * same loaded rows, as a node that read them long before would.
 */
class SigningKeyScheduleTest {

    private static final Instant MADE = Instant.parse("2026-11-01T08:00:00Z");
    private static final Instant ROTATED = Instant.parse("2026-11-30T08:00:00Z");
    private static final Duration OVERLAP = Duration.ofHours(1);
    private static final Duration RETIRE_AFTER = Duration.ofMinutes(35);
    private static final Instant SIGN_FROM = ROTATED.plus(OVERLAP);
    private static final Instant RETIRED = SIGN_FROM.plus(RETIRE_AFTER);

    private final JWK old = key("old");
    private final JWK successor = key("successor");
    private final JWK other = key("another algorithm's");
    private final SigningKeySchedule rotated = new SigningKeySchedule(List.of(
            new Key(old, MADE, null, RETIRED),
            new Key(successor, ROTATED, SIGN_FROM, null),
            new Key(other, MADE, MADE, null)));

    @Test
    void beforeTheRotationTheOldKeySignsAndTheSuccessorIsNotThereYet() {
        SigningKeySchedule before = new SigningKeySchedule(List.of(new Key(old, MADE, null, null), new Key(other, MADE, MADE, null)));

        assertThat(before.published(ROTATED.minusSeconds(1))).containsExactlyInAnyOrder(old, other);
        assertThat(before.signing(ROTATED.minusSeconds(1))).containsEntry("ES256", old).containsEntry("RS256", other);
    }

    @Test
    void duringTheOverlapTheSuccessorIsPublishedButTheOldKeySigns() {
        for (Instant now : List.of(ROTATED, ROTATED.plusSeconds(1), SIGN_FROM.minusMillis(1))) {
            assertThat(rotated.published(now)).as(now.toString()).contains(old, successor);
            assertThat(rotated.signing(now).get("ES256")).as(now.toString()).isEqualTo(old);
            assertThat(states(now)).as(now.toString()).containsExactly(State.SIGNING, State.WAITING);
        }
    }

    @Test
    void fromSignFromTheSuccessorSignsAndTheOldKeyStillVerifies() {
        for (Instant now : List.of(SIGN_FROM, SIGN_FROM.plusSeconds(1), RETIRED.minusMillis(1))) {
            assertThat(rotated.published(now)).as(now.toString()).contains(old, successor);
            assertThat(rotated.signing(now).get("ES256")).as(now.toString()).isEqualTo(successor);
            assertThat(states(now)).as(now.toString()).containsExactly(State.RETIRING, State.SIGNING);
        }
    }

    @Test
    void fromRetireAfterTheOldKeyLeavesTheJwkSet() {
        for (Instant now : List.of(RETIRED, RETIRED.plus(Duration.ofDays(2)))) {
            assertThat(rotated.published(now)).as(now.toString()).containsExactlyInAnyOrder(successor, other);
            assertThat(rotated.signing(now).get("ES256")).isEqualTo(successor);
            assertThat(states(now)).as(now.toString()).containsExactly(State.RETIRED, State.SIGNING);
        }
    }

    @Test
    void eachAlgorithmHasItsOwnKey() {
        for (Instant now : List.of(ROTATED, SIGN_FROM, RETIRED)) {
            assertThat(rotated.signing(now).get("RS256")).isEqualTo(other);
            assertThat(rotated.published(now)).contains(other);
        }
    }

    @Test
    void theMomentsAtWhichSomethingChangesAreKnownAhead() {
        assertThat(rotated.nextChangeAfter(ROTATED)).contains(SIGN_FROM);
        assertThat(rotated.nextChangeAfter(SIGN_FROM)).contains(RETIRED);
        assertThat(rotated.nextChangeAfter(RETIRED)).isEmpty();
    }

    @Test
    void aRotationUnderWayIsFoundUntilItsKeySigns() {
        assertThat(rotated.waiting("ES256", ROTATED).map(Key::jwk)).contains(successor);
        assertThat(rotated.waiting("ES256", SIGN_FROM)).isEmpty();
        assertThat(rotated.waiting("RS256", ROTATED)).isEmpty();
    }

    /** A node whose clock runs behind the node that made the only key still signs, with that key. */
    @Test
    void aKeyNotSigningYetSignsWhenThereIsNoOther() {
        SigningKeySchedule first = new SigningKeySchedule(List.of(new Key(old, MADE, null, null)));

        assertThat(first.signing(MADE.minusSeconds(2))).containsEntry("ES256", old);
        assertThat(first.published(MADE.minusSeconds(2))).containsExactly(old);
    }

    /** Keys made before rotation existed have no sign_from: they sign from their creation, the newest of them last. */
    @Test
    void keysWithoutSignFromSignFromTheirCreation() {
        JWK newer = key("newer, from an older version");
        SigningKeySchedule legacy = new SigningKeySchedule(List.of(new Key(old, MADE, null, null),
                new Key(newer, MADE.plusSeconds(1), null, null)));

        assertThat(legacy.signing(MADE.plusMillis(500))).containsEntry("ES256", old);
        assertThat(legacy.signing(MADE.plusSeconds(1))).containsEntry("ES256", newer);
        assertThat(legacy.published(MADE.plusSeconds(1))).containsExactly(newer, old);
    }

    private List<State> states(Instant now) {
        return rotated.keys().stream().filter(key -> !key.jwk().equals(other)).map(key -> rotated.stateOf(key, now)).toList();
    }

    /** An EC key, labelled RS256 for "another algorithm's": the schedule reads only the label. */
    private static JWK key(String kid) {
        try {
            JWSAlgorithm algorithm = kid.startsWith("another") ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
            return new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(algorithm).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
