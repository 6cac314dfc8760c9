package se.portvakt.factor;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a start-up stopped by {@link SealedWithAnotherKey} into Spring Boot's short "APPLICATION FAILED TO START". */
class SealedWithAnotherKeyAnalyzer extends AbstractFailureAnalyzer<SealedWithAnotherKey> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SealedWithAnotherKey cause) {
        return new FailureAnalysis("The secrets stored in the database do not open with this node's "
                + SecretCipher.SETTING + ": it differs from the key of the node that stored them.",
                SealedWithAnotherKey.ACTION, cause);
    }
}
