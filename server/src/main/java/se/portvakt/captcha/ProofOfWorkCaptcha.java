package se.portvakt.captcha;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in CAPTCHA (journey step 3): a proof-of-work challenge compatible with ALTCHA (protocol v1) that the
 * browser solves with a few hundred milliseconds of hashing. No third party sees the person, and it works
 * offline. See docs/decisions/0007-proof-of-work-captcha.md.
 *
 * <p>The challenge is signed, so the server keeps nothing until it is solved; the salt carries the expiry, and a
 * solved challenge is recorded in {@link SpentChallenges} so it passes once, across nodes.
 */
final class ProofOfWorkCaptcha implements CaptchaVerifier {

    static final String ALGORITHM = "SHA-256";
    private static final String HMAC = "HmacSHA256";
    private static final String EXPIRES = "expires=";
    /** Far above a real payload (about 300 characters), so nonsense is refused before decoding. */
    private static final int MAX_TOKEN_LENGTH = 2_000;
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final long maxNumber;
    private final Duration ttl;
    private final SpentChallenges spent;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final JsonMapper json = JsonMapper.builder().build();

    ProofOfWorkCaptcha(byte[] hmacKey, long maxNumber, Duration ttl, SpentChallenges spent, Clock clock) {
        if (hmacKey.length < 16) {
            throw new IllegalArgumentException("portvakt.captcha.altcha.hmac-key must be at least 16 bytes");
        }
        if (maxNumber < 1) {
            throw new IllegalArgumentException("portvakt.captcha.altcha.max-number must be positive");
        }
        this.key = new SecretKeySpec(hmacKey, HMAC);
        this.maxNumber = maxNumber;
        this.ttl = ttl;
        this.spent = spent;
        this.clock = clock;
    }

    /** A new challenge, valid for the configured time. */
    ProofOfWorkChallenge newChallenge() {
        byte[] saltBytes = new byte[12];
        random.nextBytes(saltBytes);
        long expires = clock.instant().plus(ttl).getEpochSecond();
        // The closing '&' keeps the expiry intact when digits are moved from the number into the salt.
        String salt = HEX.formatHex(saltBytes) + "?" + EXPIRES + expires + "&";
        long secretNumber = random.nextLong(maxNumber + 1);
        String challenge = sha256Hex(salt + secretNumber);
        return new ProofOfWorkChallenge(ALGORITHM, challenge, maxNumber, salt, hmacHex(challenge));
    }

    @Override
    public CaptchaResult verify(String token, String clientAddress) {
        if (token == null || token.isBlank()) {
            return new CaptchaResult.Failed("missing");
        }
        Solution solution = Solution.parse(token, json);
        if (solution == null) {
            return new CaptchaResult.Failed("malformed");
        }
        if (!ALGORITHM.equals(solution.algorithm)) {
            return new CaptchaResult.Failed("algorithm " + solution.algorithm);
        }
        if (!constantTimeEquals(hmacHex(solution.challenge), solution.signature)) {
            return new CaptchaResult.Failed("signature");
        }
        Instant expires = expiry(solution.salt);
        if (expires == null || !clock.instant().isBefore(expires)) {
            return new CaptchaResult.Failed("expired");
        }
        if (!constantTimeEquals(sha256Hex(solution.salt + solution.number), solution.challenge)) {
            return new CaptchaResult.Failed("wrong number");
        }
        if (!spent.spend(solution.challenge, expires)) {
            return new CaptchaResult.Failed("replayed");
        }
        return new CaptchaResult.Passed();
    }

    @Override
    public CaptchaWidget widget() {
        return new CaptchaWidget(CaptchaProvider.ALTCHA, null);
    }

    /** The payload the browser submits: base64 of the JSON {algorithm, challenge, number, salt, signature}. */
    private record Solution(String algorithm, String challenge, long number, String salt, String signature) {

        /** The solution, or null when the token is not one. */
        static Solution parse(String token, JsonMapper json) {
            if (token.length() > MAX_TOKEN_LENGTH) {
                return null;
            }
            try {
                JsonNode node = json.readTree(Base64.getDecoder().decode(token.trim()));
                JsonNode number = node.get("number");
                String algorithm = text(node, "algorithm");
                String challenge = text(node, "challenge");
                String salt = text(node, "salt");
                String signature = text(node, "signature");
                if (number == null || !number.canConvertToLong() || !number.isIntegralNumber() || number.asLong() < 0
                        || algorithm == null || challenge == null || salt == null || signature == null) {
                    return null;
                }
                return new Solution(algorithm, challenge, number.asLong(), salt, signature);
            } catch (IllegalArgumentException | JacksonException notBase64OrJson) {
                return null;
            }
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value != null && value.isString() ? value.asString() : null;
        }
    }

    /** The {@code expires} parameter of the salt, or null when it has none. */
    private static Instant expiry(String salt) {
        int query = salt.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String parameter : salt.substring(query + 1).split("&")) {
            if (parameter.startsWith(EXPIRES)) {
                try {
                    return Instant.ofEpochSecond(Long.parseLong(parameter.substring(EXPIRES.length())));
                } catch (NumberFormatException | java.time.DateTimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private String hmacHex(String text) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return HEX.formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    static String sha256Hex(String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance(ALGORITHM).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static boolean constantTimeEquals(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
