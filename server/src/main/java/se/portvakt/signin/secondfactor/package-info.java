/**
 * Journey step 5, signing in with 2FA on: the person is asked for a second factor (a code from the authenticator
 * app, an SMS code, or the one-time emergency code) and may pick another with "Use another method".
 */
package se.portvakt.signin.secondfactor;
