/**
 * What the second-factor pages of the sign-in share (decision 0070), at step 5, in the set-up of step 4 and on My
 * account: where a passed factor leads ({@link se.portvakt.signin.twofactor.TwoFactorRoute}), the limits and audit of
 * codes ({@link se.portvakt.signin.twofactor.SecondFactorAttempts}), the code page, SMS sending and numbers, and
 * whether 2FA is required. Uses {@code signin.flow}; the handlers use it.
 */
package se.portvakt.signin.twofactor;
