/**
 * My account ({@code /account}): the signed-in person's own page, behind the same sign-in journey as the
 * applications, with the person's 2FA (decision 0028). Today the overview (who is signed in, the previous sign-in and
 * the failed attempts since then) and where the person is signed in (decision 0031); docs/my-account.md says what comes
 * next.
 */
package se.portvakt.myaccount;
