package se.portvakt.signin.flow;

/**
 * A step whose page waits for something that happens away from the browser (the phone pairs, or decides a push
 * request). {@code signin.SignInWaits} tells the waiting page when {@link #ready} turns true; the page then sends its
 * form, and the step's {@link SignInStep#submit} decides where the sign-in goes.
 */
public interface WaitingStep {

    /** True once what this step's page waits for has happened (or can no longer happen). */
    boolean ready(SignInFlow flow);
}
