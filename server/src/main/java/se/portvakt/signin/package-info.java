/**
 * The sign-in journey (docs/decisions/0010-two-factor-steps.md): a {@link se.portvakt.signin.SignInFlow} moves from
 * {@link se.portvakt.signin.Step} to step, one {@link se.portvakt.signin.SignInStep} handler each, and ends as a
 * signed-in session ({@code SignInCompletion}). Before its first factor the flow is sealed in the browser's cookie and
 * nothing is stored; after it, it is stored ({@code BrowserFlows}, decision 0065).
 *
 * <p>This package is the core the steps share: the controller, the flow and its store, where a first or second
 * factor leads ({@link se.portvakt.signin.TwoFactorRoute}), the limits on codes, the code page. The handlers live
 * in sub-packages by journey step, so the journey can be mapped from the tree: {@code password} (steps 1-2),
 * {@code setup} (step 4), {@code secondfactor} (step 5). They depend on this package, never the other way: the
 * controller gets them as a list of {@code SignInStep} and routes by {@link se.portvakt.signin.SignInStep#step()}.
 */
package se.portvakt.signin;
