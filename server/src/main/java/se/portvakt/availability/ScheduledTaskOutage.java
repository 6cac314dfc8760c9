package se.portvakt.availability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ErrorHandler;

/**
 * What the scheduler does with a task that failed: a task that failed because the database cannot be reached logs one
 * line without a stack trace and runs again at its next time, as a request in an outage gets a calm 503
 * ({@link DatabaseOutage}); any other failure is logged as an error with its stack trace, as Spring does by default.
 * Without this, the signing keys' reload each minute, and a waiting push page's check twice a second, logged an ERROR
 * with a stack trace at every run while the database was away. Like Spring's handler for repeating tasks, it never
 * rethrows (a repeating task that threw would not run again); a one-off task given to the scheduler would therefore not
 * see its failure in its future: Portvakt schedules none, only {@code @Scheduled} methods.
 */
final class ScheduledTaskOutage implements ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ScheduledTaskOutage.class);

    @Override
    public void handleError(Throwable failure) {
        Throwable cause = DatabaseOutage.outageIn(failure);
        if (cause == null) {
            log.error("A scheduled task ({}) failed", task(failure), failure);
            return;
        }
        log.warn("The database cannot be reached: scheduled task {} runs again at its next time ({})", task(failure),
                cause.toString());
    }

    /**
     * The task, as the outermost of Portvakt's own methods in the stack trace, the one the scheduler called
     * ("SigningKeys.reload"), or "unknown".
     */
    static String task(Throwable failure) {
        String task = "unknown";
        for (StackTraceElement frame : failure.getStackTrace()) {
            String type = frame.getClassName();
            if (type.startsWith("se.portvakt.") && !type.contains("$$")) {
                task = type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethodName();
            }
        }
        return task;
    }
}
