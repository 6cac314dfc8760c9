/**
 * Journey steps 1 and 2: the email address ("Save my email address for next time") and the password, with its
 * limits. Where a passed password leads is {@link se.portvakt.signin.twofactor.TwoFactorRoute}'s to say.
 */
package se.portvakt.signin.password;
