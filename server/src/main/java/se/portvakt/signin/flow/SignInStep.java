package se.portvakt.signin.flow;

import java.util.Map;

import org.springframework.ui.Model;

/**
 * The handler of one step of the sign-in journey: what its page shows and what its form accepts.
 * Handlers are registered in one list; {@code signin.SignInController} routes to them by {@link #step()}. Public, as
 * the handlers live in sub-packages by journey step; this package knows none of them.
 */
public interface SignInStep {

    /** The step this handler serves. */
    Step step();

    /** Fills the model for this step's page and returns the template to render. */
    String show(SignInFlow flow, StepContext context, Model model);

    /** Handles this step's form: moves the flow on, or says why not. */
    StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form);

    /**
     * True when this step's page and form are handled in one database transaction with the flow's read and update
     * (decision 0048). A step may say so when its slow work (a password hash, a call to another service) runs in
     * {@link StepContext#outsideTransaction}, and nothing in it catches a failed statement and goes on (on PostgreSQL a
     * failed statement ends the transaction). The others run each statement as its own transaction, as before.
     */
    default boolean inOneTransaction() {
        return false;
    }
}
