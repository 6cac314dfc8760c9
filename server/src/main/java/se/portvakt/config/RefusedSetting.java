package se.portvakt.config;

/**
 * A setting that would make the server unsafe or that cannot be read: start-up stops, and
 * {@link RefusedSettingAnalyzer} tells the operator which setting and what to do, instead of a stack trace.
 */
public class RefusedSetting extends IllegalStateException {

    private final String description;
    private final String action;

    /**
     * @param description what is wrong, naming the setting
     * @param action what the operator does about it
     */
    public RefusedSetting(String description, String action) {
        super(description + " " + action);
        this.description = description;
        this.action = action;
    }

    String description() {
        return description;
    }

    String action() {
        return action;
    }
}
