package se.portvakt.oidc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.jwk.JWK;

/**
 * The signing keys by time (decision 0041): which keys the JWK Set publishes and which key signs each algorithm at
 * a given moment, from the stored times alone. Every node that has read the same rows agrees, however long ago it
 * read them, so a rotation needs no message between nodes.
 *
 * @param keys the stored keys, in any order
 */
record SigningKeySchedule(List<Key> keys) {

    SigningKeySchedule {
        keys = List.copyOf(keys);
    }

    /**
     * One stored key and its times.
     *
     * @param signFrom when it starts signing; null: from its creation (a key made before rotation existed)
     * @param retireAfter when it leaves the JWK Set; null: not replaced
     */
    record Key(JWK jwk, Instant createdAt, Instant signFrom, Instant retireAfter) {

        String kid() {
            return jwk.getKeyID();
        }

        String algorithm() {
            return jwk.getAlgorithm().getName();
        }

        Instant signsFrom() {
            return signFrom != null ? signFrom : createdAt;
        }

        boolean publishedAt(Instant now) {
            return retireAfter == null || now.isBefore(retireAfter);
        }
    }

    /** Where a key is in its life, as the operator's listing shows it. */
    enum State {
        /** Published, not signing yet: applications can fetch it before they meet a token it signed. */
        WAITING("waiting"),
        SIGNING("signing"),
        /** Replaced: still published, so that the tokens it signed verify until they expire; signs nothing. */
        RETIRING("retiring"),
        /** Out of the JWK Set; housekeeping deletes it. */
        RETIRED("retired");

        private final String value;

        State(String value) {
            this.value = value;
        }

        String value() {
            return value;
        }
    }

    /** Ordered by the start of signing, then creation and key id: the last one of an algorithm signs. */
    private static final Comparator<Key> SIGNING_ORDER = Comparator.comparing(Key::signsFrom)
            .thenComparing(Key::createdAt).thenComparing(Key::kid);

    /** The keys in the JWK Set at {@code now}: every key not yet retired, waiting ones included. */
    List<JWK> published(Instant now) {
        return keys.stream().filter(key -> key.publishedAt(now)).sorted(SIGNING_ORDER.reversed())
                .map(Key::jwk).toList();
    }

    /**
     * The key that signs each algorithm at {@code now}: of the published keys whose signing has started, the one that
     * started last. When none has started (a node whose clock runs behind the node that made the first key), the one
     * that starts first, so that the algorithm can still sign.
     */
    Map<String, JWK> signing(Instant now) {
        Map<String, Key> chosen = new LinkedHashMap<>();
        keys.stream().filter(key -> key.publishedAt(now)).sorted(SIGNING_ORDER).forEach(key -> {
            Key current = chosen.get(key.algorithm());
            if (current == null || !key.signsFrom().isAfter(now)) {
                chosen.put(key.algorithm(), key);
            }
        });
        Map<String, JWK> signing = new LinkedHashMap<>();
        chosen.forEach((algorithm, key) -> signing.put(algorithm, key.jwk()));
        return signing;
    }

    State stateOf(Key key, Instant now) {
        if (!key.publishedAt(now)) {
            return State.RETIRED;
        }
        if (key.signsFrom().isAfter(now)) {
            return State.WAITING;
        }
        return key.jwk().equals(signing(now).get(key.algorithm())) ? State.SIGNING : State.RETIRING;
    }

    /** The first moment after {@code now} at which a key starts signing or retires, if any is ahead. */
    Optional<Instant> nextChangeAfter(Instant now) {
        List<Instant> moments = new ArrayList<>();
        for (Key key : keys) {
            moments.add(key.signsFrom());
            if (key.retireAfter() != null) {
                moments.add(key.retireAfter());
            }
        }
        return moments.stream().filter(moment -> moment.isAfter(now)).min(Comparator.naturalOrder());
    }

    /** The key of this algorithm that is waiting to sign, if a rotation is under way. */
    Optional<Key> waiting(String algorithm, Instant now) {
        return keys.stream().filter(key -> key.algorithm().equals(algorithm) && key.signsFrom().isAfter(now))
                .max(SIGNING_ORDER);
    }

    /** The newest key of this algorithm that is not retired, if any. */
    Optional<Key> newest(String algorithm, Instant now) {
        return keys.stream().filter(key -> key.algorithm().equals(algorithm) && key.publishedAt(now))
                .max(SIGNING_ORDER);
    }
}
