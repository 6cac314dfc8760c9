package se.portvakt.availability;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 503 until this node is ready: the web server listens before the bootstrap file is applied (it is applied by
 * an application runner, after the context has started), and a request in that window would find no clients
 * ("unknown client") or accounts. Spring Boot sets the readiness state to accepting traffic only after every
 * runner has finished, and back to refusing when the node shuts down, so this gate also drains a stopping node. The
 * health endpoints pass: the readiness probe must be able to say "not yet".
 */
final class NotReadyGate extends OncePerRequestFilter {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final ApplicationAvailability availability;
    private final Unavailable unavailable;

    NotReadyGate(ApplicationAvailability availability, Unavailable unavailable) {
        this.availability = availability;
        this.unavailable = unavailable;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isReady() || isHealth(request)) {
            chain.doFilter(request, response);
            return;
        }
        unavailable.answer(request, response, RETRY_AFTER);
    }

    private boolean isReady() {
        return availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
    }

    private static boolean isHealth(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }
}
