package se.portvakt.myaccount;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a My account page that changes the account (the password; later the 2FA methods and the email): it needs a
 * sign-in within {@code portvakt.account.reauthentication-window}. {@link AccountGate} sends an older session to
 * confirm who it is (password, and the second factor of a person with 2FA) and back to the page (decision 0032).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface RecentSignIn {}
