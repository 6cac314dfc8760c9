package se.portvakt.captcha;

/**
 * A proof-of-work challenge as the browser receives it (ALTCHA protocol v1): find the number n, at most
 * {@code maxnumber}, for which SHA-256(salt + n) in hex is {@code challenge}.
 *
 * @param algorithm always SHA-256
 * @param challenge SHA-256(salt + secret number), hex
 * @param maxnumber the largest number to try
 * @param salt random hex followed by {@code ?expires=<epoch seconds>&}
 * @param signature HMAC-SHA256 of the challenge with the server's key, hex
 */
public record ProofOfWorkChallenge(String algorithm, String challenge, long maxnumber, String salt, String signature) {}
