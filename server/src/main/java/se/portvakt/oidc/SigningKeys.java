package se.portvakt.oidc;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.factor.SecretCipher;
import se.portvakt.housekeeping.Purge;

/**
 * The token signing keys: an RS256 and an ES256 key, made at first start and kept in the database so that tokens
 * stay valid across restarts and nodes. The JWK Set endpoint publishes every key not yet retired; signing uses the
 * key that signs its algorithm now ({@link SigningKeySchedule}).
 *
 * <p>Rotation (decision 0041): a new key is published at once but signs only after {@code
 * portvakt.signing-keys.overlap}, so that every node, and every application that caches the JWK Set, has it before
 * it meets a token it signed; the key it replaces stays published until the tokens it signed have expired. The
 * times are stored with the keys and read by time, so nodes agree without telling each other; each node reads the
 * rows every {@code portvakt.signing-keys.reload-every} to learn of another node's rotation. An operator rotates
 * with {@code POST /actuator/signingkeys} ({@link OperatorSigningKeys}), or {@code portvakt.signing-keys.rotate-every}
 * does it when a key is that old; housekeeping deletes a retired key a day after it left the JWK Set.
 *
 * <p>A stored key (JWK JSON with its private part) is encrypted with the factors' key ({@link SecretCipher}),
 * bound to its key id, so a copy of the database alone cannot sign tokens. Keys that a version before this one
 * stored in plain are encrypted in place when they are loaded.
 *
 * <p>The first keys of a new database are made once the server is ready, on a thread of their own, or by the first
 * request that needs a key, whichever comes first (decision 0063): an RSA key costs a large and varying share of a
 * start's CPU, and starting a sign-in needs no key. A database that has its keys is read at start, as before.
 */
@Component
class SigningKeys implements JWKSource<SecurityContext>, Purge {

    /** The algorithms Portvakt signs with, each with a key of its own. */
    static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    static final String AUDIT_TYPE = "signing-key.rotate";

    /** The ID token's lifetime: fixed by Spring Authorization Server's {@code JwtGenerator}. */
    static final Duration ID_TOKEN_LIFETIME = Duration.ofMinutes(30);

    /** How far past {@code exp} an application may accept a token, for clocks that differ: 5 minutes is common. */
    static final Duration CLOCK_LEEWAY = Duration.ofMinutes(5);

    /** How long a retired key is kept, out of the JWK Set, before housekeeping deletes it: the listing shows it. */
    static final Duration KEPT_AFTER_RETIRING = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private final TransactionTemplate transaction;
    private final Duration overlap;
    private final Duration retireAfter;
    private final Duration rotateEvery;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private volatile Snapshot snapshot;
    private volatile boolean closing;

    SigningKeys(JdbcClient jdbc, SecretCipher cipher, TransactionTemplate transaction, PortvaktProperties properties,
            AuditLog audit) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.transaction = transaction;
        this.audit = audit;
        this.overlap = properties.signingKeys().overlap();
        this.retireAfter = retireAfter(properties.signingKeys(), properties.tokens().accessTokenTtl());
        this.rotateEvery = properties.signingKeys().rotateEvery();
        // Keys an older version stored in plain are sealed at start, whether or not a key is missing.
        encryptPlainKeys();
        if (ALGORITHMS.stream().allMatch(this::present)) {
            reload();
        }
        // Else a new database: firstKeys() makes them, after ready or at the first need; snapshot stays null till then.
    }

    /**
     * Makes a new database's first keys on a thread of its own once the server is ready, so that they are there
     * before the first token or JWK Set request, which would otherwise make them (or wait for this thread).
     */
    @EventListener(ApplicationReadyEvent.class)
    void makeFirstKeysWhenReady() {
        if (snapshot == null) {
            Thread maker = new Thread(() -> {
                try {
                    firstKeys();
                } catch (RuntimeException e) {
                    // The first request that needs a key tries again, and reports the failure to its caller.
                    if (closing) {
                        log.info("The first signing keys were not made: the server stopped first");
                    } else {
                        log.error("Could not make the first signing keys; the first request that needs one tries again",
                                e);
                    }
                }
            }, "first-signing-keys");
            maker.setDaemon(true);
            maker.start();
        }
    }

    @PreDestroy
    void close() {
        closing = true;
    }

    /**
     * The keys of a new database, made once by whichever thread comes first (the others wait for it): one of each
     * algorithm that has no key yet, stored, then read as every node reads them.
     */
    private synchronized Snapshot firstKeys() {
        if (snapshot == null) {
            ALGORITHMS.forEach(this::ensureKey);
            reload();
        }
        return snapshot;
    }

    /**
     * How long a replaced key stays published after its successor starts signing: the setting, or else the longest
     * lifetime of a token it signed (ID token, access token, logout token) plus the clock leeway of applications.
     */
    static Duration retireAfter(PortvaktProperties.SigningKeys settings, Duration accessTokenTtl) {
        Duration configured = settings.retireAfter();
        Duration longest = Stream.of(ID_TOKEN_LIFETIME, accessTokenTtl, BackChannelLogout.TOKEN_LIFETIME)
                .max(Comparator.naturalOrder()).orElseThrow();
        if (configured == null) {
            return longest.plus(CLOCK_LEEWAY);
        }
        if (configured.compareTo(longest) < 0) {
            log.warn("portvakt.signing-keys.retire-after ({}) is shorter than the longest token lifetime ({}): tokens"
                    + " signed with a replaced key stop verifying before they expire", configured, longest);
        }
        return configured;
    }

    /**
     * The keys for a selector: the signing key of the algorithm when the encoder asks (an algorithm and no key id);
     * every published key for the JWK Set endpoint (no algorithm) and for verifying a token (its key id).
     */
    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        JWKMatcher matcher = selector.getMatcher();
        boolean toSign = matcher.getAlgorithms() != null && !matcher.getAlgorithms().isEmpty()
                && (matcher.getKeyIDs() == null || matcher.getKeyIDs().stream().allMatch(Objects::isNull));
        Snapshot current = current();
        return selector.select(toSign ? current.signing() : current.published());
    }

    /** Picks up keys another node made (or an operator rotated) without a restart, and rotates when due. */
    @Scheduled(fixedDelayString = "${portvakt.signing-keys.reload-every:1m}",
            initialDelayString = "${portvakt.signing-keys.reload-every:1m}")
    void reload() {
        if (snapshot == null && !Thread.holdsLock(this)) {
            firstKeys();
            return;
        }
        encryptPlainKeys();
        if (rotateEvery != null) {
            Instant bornBefore = clock.instant().minus(rotateEvery);
            for (JWSAlgorithm algorithm : ALGORITHMS) {
                rotate(algorithm, bornBefore, null);
            }
        }
        this.snapshot = Snapshot.of(load(), clock.instant());
    }

    /** The stored keys, as every node reads them. */
    SigningKeySchedule load() {
        return new SigningKeySchedule(jdbc.sql("""
                SELECT kid, jwk, created_at, sign_from, retire_after FROM signing_key WHERE active = TRUE
                """)
                .query((rs, row) -> new SigningKeySchedule.Key(open(cipher, rs.getString("kid"), rs.getString("jwk")),
                        instant(rs.getObject("created_at", OffsetDateTime.class)),
                        instant(rs.getObject("sign_from", OffsetDateTime.class)),
                        instant(rs.getObject("retire_after", OffsetDateTime.class))))
                .list());
    }

    /** What a rotation did. */
    sealed interface Rotation {

        /** {@code kid} is published, signs from {@code signFrom}; {@code replaced} retire after {@code retireAfter}. */
        record Rotated(String algorithm, String kid, Instant signFrom, List<String> replaced, Instant retireAfter)
                implements Rotation {}

        /** Refused: a rotation of this algorithm is under way, its key {@code kid} signing from {@code signFrom}. */
        record Underway(String algorithm, String kid, Instant signFrom) implements Rotation {}

        /** The automatic rotation found the key younger than {@code portvakt.signing-keys.rotate-every}. */
        record NotDue() implements Rotation {}
    }

    /**
     * Makes a new key of {@code algorithm} that signs after the overlap, and retires the keys it replaces; audited.
     * One rotation at a time per algorithm, across nodes: the algorithm's rows are locked, and a rotation whose new
     * key does not sign yet refuses another.
     *
     * @param address the operator's address, for the audit log
     */
    Rotation rotate(JWSAlgorithm algorithm, String address) {
        current();
        return rotate(algorithm, null, address);
    }

    /** @param bornBefore rotate only when the newest key was made before this (automatic rotation); null: always */
    private Rotation rotate(JWSAlgorithm algorithm, Instant bornBefore, String address) {
        if (bornBefore != null && snapshot != null && snapshot.schedule().newest(algorithm.getName(), clock.instant())
                .filter(newest -> newest.createdAt().isAfter(bornBefore)).isPresent()) {
            return new Rotation.NotDue();
        }
        JWK key = generate(algorithm);
        Rotation rotation = transaction.execute(status -> {
            jdbc.sql("SELECT kid FROM signing_key WHERE algorithm = :alg AND active = TRUE FOR UPDATE")
                    .param("alg", algorithm.getName()).query(String.class).list();
            // A statement of its own after the lock, so that it sees a rotation another node committed meanwhile.
            SigningKeySchedule stored = load();
            Instant now = clock.instant();
            var waiting = stored.waiting(algorithm.getName(), now);
            if (waiting.isPresent()) {
                return new Rotation.Underway(algorithm.getName(), waiting.get().kid(), waiting.get().signsFrom());
            }
            if (bornBefore != null && stored.newest(algorithm.getName(), now)
                    .filter(newest -> newest.createdAt().isAfter(bornBefore)).isPresent()) {
                return new Rotation.NotDue();
            }
            Instant signFrom = now.plus(overlap);
            Instant retiring = signFrom.plus(retireAfter);
            List<String> replaced = stored.keys().stream()
                    .filter(old -> old.algorithm().equals(algorithm.getName()) && old.retireAfter() == null)
                    .map(SigningKeySchedule.Key::kid)
                    .toList();
            jdbc.sql("""
                    UPDATE signing_key SET retire_after = :retire
                    WHERE algorithm = :alg AND active = TRUE AND retire_after IS NULL
                    """)
                    .param("retire", OffsetDateTime.ofInstant(retiring, ZoneOffset.UTC))
                    .param("alg", algorithm.getName())
                    .update();
            insert(key, now, signFrom);
            return new Rotation.Rotated(algorithm.getName(), key.getKeyID(), signFrom, replaced, retiring);
        });
        if (rotation instanceof Rotation.Rotated rotated) {
            audit.record(new AuditEvent(AUDIT_TYPE, address != null ? "by-operator" : "scheduled", null, null, null,
                    address, rotated.algorithm() + " key " + rotated.kid() + " signs from " + rotated.signFrom()
                            + "; " + String.join(", ", rotated.replaced()) + " retire after " + rotated.retireAfter()));
            log.info("Signing key rotated: {}", rotated);
            this.snapshot = Snapshot.of(load(), clock.instant());
        }
        return rotation;
    }

    @Override
    public String name() {
        return "signing-keys";
    }

    /** Keys retired a day ago: out of the JWK Set, and no token they signed is valid. */
    @Override
    public int purgeBatch(Instant now, int batchSize) {
        return jdbc.sql("""
                DELETE FROM signing_key WHERE kid IN
                    (SELECT kid FROM signing_key WHERE retire_after < :before FETCH FIRST :batch ROWS ONLY)
                """)
                .param("before", OffsetDateTime.ofInstant(now.minus(KEPT_AFTER_RETIRING), ZoneOffset.UTC))
                .param("batch", batchSize)
                .update();
    }

    /**
     * The published and signing keys at one moment, reused until the next moment at which a key starts signing or
     * retires: the token endpoint asks for every token, and this spares it sorting the keys each time.
     */
    private record Snapshot(SigningKeySchedule schedule, Instant from, Instant until, JWKSet published,
            JWKSet signing) {

        static Snapshot of(SigningKeySchedule schedule, Instant now) {
            return new Snapshot(schedule, now, schedule.nextChangeAfter(now).orElse(null),
                    new JWKSet(schedule.published(now)), new JWKSet(new ArrayList<>(schedule.signing(now).values())));
        }

        boolean holdsAt(Instant now) {
            return !now.isBefore(from) && (until == null || now.isBefore(until));
        }
    }

    private Snapshot current() {
        Snapshot current = snapshot;
        if (current == null) {
            current = firstKeys();
        }
        Instant now = clock.instant();
        if (!current.holdsAt(now)) {
            current = Snapshot.of(current.schedule(), now);
            snapshot = current;
        }
        return current;
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    /**
     * Encrypts the keys stored in plain (JWK JSON, by a version before this one), in one transaction. Each row
     * changes only if it is still the plain text read, so nodes starting together do it once between them.
     */
    private void encryptPlainKeys() {
        transaction.executeWithoutResult(status -> jdbc.sql("SELECT kid, jwk FROM signing_key WHERE jwk LIKE :json")
                .param("json", "{%")
                .query((rs, row) -> new StoredKey(rs.getString("kid"), rs.getString("jwk")))
                .list()
                .forEach(plain -> jdbc.sql("UPDATE signing_key SET jwk = :sealed WHERE kid = :kid AND jwk = :plain")
                        .param("sealed", seal(parse(plain.jwk())))
                        .param("kid", plain.kid())
                        .param("plain", plain.jwk())
                        .update()));
    }

    private record StoredKey(String kid, String jwk) {}

    private String seal(JWK key) {
        return cipher.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), associatedData(key.getKeyID()));
    }

    /**
     * The key stored as {@code stored} under {@code kid}.
     *
     * @throws IllegalStateException when it does not decrypt as this key id's: altered, another key's, or not a
     *     signing key at all (an authenticator key, say)
     */
    static JWK open(SecretCipher cipher, String kid, String stored) {
        JWK key = parse(new String(cipher.decrypt(stored, associatedData(kid)), StandardCharsets.UTF_8));
        if (!kid.equals(key.getKeyID())) {
            throw new IllegalStateException("the signing key stored under " + kid + " names another key id");
        }
        return key;
    }

    /** Binds a stored key to its key id, and sets it apart from the factor secrets sealed with the same key. */
    private static String associatedData(String kid) {
        return "signing-key:" + kid;
    }

    private void ensureKey(JWSAlgorithm algorithm) {
        if (!present(algorithm)) {
            insert(generate(algorithm), clock.instant(), null);
        }
    }

    private boolean present(JWSAlgorithm algorithm) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM signing_key
                WHERE algorithm = :alg AND active = TRUE AND (retire_after IS NULL OR retire_after > :now)
                """)
                .param("alg", algorithm.getName())
                .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .query(Integer.class)
                .single() > 0;
    }

    /** @param signFrom when it starts signing; null: at once (the first key of an algorithm) */
    private void insert(JWK key, Instant createdAt, Instant signFrom) {
        jdbc.sql("""
                INSERT INTO signing_key (kid, algorithm, jwk, created_at, sign_from, active)
                VALUES (:kid, :alg, :jwk, :at, :signFrom, TRUE)
                """)
                .param("kid", key.getKeyID())
                .param("alg", key.getAlgorithm().getName())
                .param("jwk", seal(key))
                .param("at", OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC))
                .param("signFrom", signFrom == null ? null : OffsetDateTime.ofInstant(signFrom, ZoneOffset.UTC))
                .update();
    }

    private static JWK generate(JWSAlgorithm algorithm) {
        try {
            String kid = UUID.randomUUID().toString();
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(algorithm).keyUse(KeyUse.SIGNATURE).generate();
            }
            return new RSAKeyGenerator(2048).keyID(kid).algorithm(algorithm).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " signing key", e);
        }
    }

    private static JWK parse(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key is not a valid JWK", e);
        }
    }
}
