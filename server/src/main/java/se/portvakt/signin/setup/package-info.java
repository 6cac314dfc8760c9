/**
 * Journey step 4: the prompt "Activate two-factor authentication (2FA)" and the set-up it leads to: another
 * authenticator app (4b), the optional SMS backup number and the one-time emergency code (4c). Also the page
 * after signing in with the emergency code, which offers the same set-up again: save a new code, set up the app
 * again, or turn 2FA off.
 */
package se.portvakt.signin.setup;
