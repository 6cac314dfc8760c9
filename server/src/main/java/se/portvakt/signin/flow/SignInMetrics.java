package se.portvakt.signin.flow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Counts sign-in outcomes for the Prometheus endpoint ({@code portvakt_signin_total{outcome=...}}). */
@Component
public class SignInMetrics {

    private final MeterRegistry registry;

    SignInMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void outcome(String outcome) {
        Counter.builder("portvakt.signin")
                .description("Sign-in attempts by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }
}
