/**
 * The sign-in journey (docs/decisions/0010-two-factor-steps.md), mapped by package (decision 0070):
 * <ul>
 * <li>{@code flow}: the flow and where it is kept, the steps, and the contract of a step's handler
 *     ({@code SignInStep}), which every other package here uses;</li>
 * <li>{@code twofactor}: what the second-factor pages share: where a first or second factor leads
 *     ({@code TwoFactorRoute}), the limits on codes, the code page, SMS sending and numbers;</li>
 * <li>one package of handlers per part of the journey: {@code password} (steps 1-2), {@code setup} (step 4),
 *     {@code push} (push approval, steps 4a and 5), {@code secondfactor} (step 5);</li>
 * <li>this package: the controller that runs the steps in their transactions, the flow kept per browser (sealed in
 *     its cookie before the first factor, stored after it, decision 0065), the end of the sign-in as a signed-in
 *     session ({@code SignInCompletion}), and the known browsers.</li>
 * </ul>
 * Dependencies point one way: the handlers use {@code twofactor} and {@code flow} (and this package's
 * {@code Reauthentication}); {@code twofactor} uses {@code flow}; {@code flow} uses none of them. The controller gets
 * the handlers as a list of {@code SignInStep} and routes by {@code SignInStep#step()}, so no package here names a
 * handler.
 */
package se.portvakt.signin;
