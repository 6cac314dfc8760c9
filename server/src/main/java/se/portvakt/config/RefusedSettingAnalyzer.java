package se.portvakt.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a start-up stopped by {@link RefusedSetting} into Spring Boot's short "APPLICATION FAILED TO START" report. */
class RefusedSettingAnalyzer extends AbstractFailureAnalyzer<RefusedSetting> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RefusedSetting cause) {
        return new FailureAnalysis(cause.description(), cause.action(), cause);
    }
}
