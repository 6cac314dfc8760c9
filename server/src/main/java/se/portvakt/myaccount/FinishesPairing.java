package se.portvakt.myaccount;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a My account page that waits for, or finishes, pairing a Portvakt Authenticator device (decision 0039). The
 * device pairs away from the browser and may turn 2FA on for a person who had it off, so {@link AccountGate} lets
 * these pages in before the session has passed a second factor; the page itself passes the push factor, and only for
 * the device that this session's own pairing code paired.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface FinishesPairing {}
