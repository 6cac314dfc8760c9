/**
 * Push approval with Portvakt Authenticator in the sign-in: "Get started with 2FA" and adding the account to the app
 * (journey step 4a), and "Check your phone" (step 5). The device side, the requests and the numbers are
 * {@code se.portvakt.factor.push}; this package holds the pages and wakes the waiting browser.
 */
package se.portvakt.signin.push;
