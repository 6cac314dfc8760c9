package se.portvakt.captcha;

import java.time.Instant;

/** The solved proof-of-work challenges, so that each is accepted once. */
interface SpentChallenges {

    /** Records the challenge as used until it expires; false when it was already used (on any node). */
    boolean spend(String challenge, Instant expires);
}
