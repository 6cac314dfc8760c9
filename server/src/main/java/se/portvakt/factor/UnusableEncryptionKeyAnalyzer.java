package se.portvakt.factor;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start-up stopped by {@link UnusableEncryptionKey} into Spring Boot's short "APPLICATION FAILED TO
 * START" report, instead of a bean-creation stack trace with the reason at its bottom.
 */
class UnusableEncryptionKeyAnalyzer extends AbstractFailureAnalyzer<UnusableEncryptionKey> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnusableEncryptionKey cause) {
        return new FailureAnalysis(cause.description(), UnusableEncryptionKey.ACTION, cause);
    }
}
