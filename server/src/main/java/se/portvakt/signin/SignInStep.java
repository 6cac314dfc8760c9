package se.portvakt.signin;

import java.util.Map;

import org.springframework.ui.Model;

/**
 * The handler of one step of the sign-in journey: what its page shows and what its form accepts.
 * Handlers are registered in one list; {@link SignInController} routes to them by {@link #step()}. Public, as
 * the handlers live in sub-packages by journey step; this package knows none of them.
 */
public interface SignInStep {

    /** The step this handler serves. */
    Step step();

    /** Fills the model for this step's page and returns the template to render. */
    String show(SignInFlow flow, StepContext context, Model model);

    /** Handles this step's form: moves the flow on, or says why not. */
    StepResult submit(SignInFlow flow, StepContext context, Map<String, String> form);
}
