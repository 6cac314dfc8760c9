/**
 * The sign-in flow (decision 0070): a {@link se.portvakt.signin.flow.SignInFlow} moves from
 * {@link se.portvakt.signin.flow.Step} to step, one {@link se.portvakt.signin.flow.SignInStep} handler each, whose
 * answer is a {@link se.portvakt.signin.flow.StepResult}; {@link se.portvakt.signin.flow.SignInFlowStore} keeps the
 * flows past their first factor in the database. The core every other sign-in package uses; it uses none of them.
 * Only the sign-in's packages are meant to use the store.
 */
package se.portvakt.signin.flow;
