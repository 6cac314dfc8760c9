package se.portvakt.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.metrics.StartupStep;

/**
 * Where the start-up time goes, on request: with {@code -Dportvakt.startup-steps=true} (or the environment
 * variable {@code PORTVAKT_STARTUP_STEPS=true}) Spring's start-up steps are recorded and, once the application
 * is ready, the slowest ones are logged. Off by default: the record costs memory and a little time. While it
 * is on, the actuator's {@code startup} endpoint also has something to show, but it is exposed only if the
 * operator adds it to {@code management.endpoints.web.exposure.include}, and then only to a signed-in person.
 */
public final class StartupSteps {

    static final String PROPERTY = "portvakt.startup-steps";
    private static final int CAPACITY = 20_000;
    private static final int SHOWN = 25;
    private static final Logger log = LoggerFactory.getLogger(StartupSteps.class);

    private StartupSteps() {
    }

    /** Makes the application record its start-up steps when the property or environment variable asks for it. */
    public static void recordIfAsked(SpringApplication application) {
        String asked = System.getProperty(PROPERTY, System.getenv("PORTVAKT_STARTUP_STEPS"));
        if (!Boolean.parseBoolean(asked)) {
            return;
        }
        var startup = new BufferingApplicationStartup(CAPACITY);
        long uptimeAtMain = ManagementFactory.getRuntimeMXBean().getUptime();
        application.setApplicationStartup(startup);
        application.addListeners(new ApplicationListener<ApplicationEvent>() {
            @Override
            public void onApplicationEvent(ApplicationEvent event) {
                if (event instanceof ApplicationReadyEvent) {
                    report(startup.getBufferedTimeline().getEvents(), uptimeAtMain);
                }
            }
        });
    }

    private static void report(List<TimelineEvent> events, long uptimeAtMain) {
        Map<Long, Duration> nested = new HashMap<>();
        for (TimelineEvent event : events) {
            Long parent = event.getStartupStep().getParentId();
            if (parent != null) {
                nested.merge(parent, event.getDuration(), Duration::plus);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("JVM start to main %d ms, to ready %d ms; %d steps recorded%n", uptimeAtMain,
                ManagementFactory.getRuntimeMXBean().getUptime(), events.size()));
        events.stream()
                .filter(event -> event.getStartupStep().getParentId() == null)
                .forEach(event -> out.append(line(event, event.getDuration())));
        runners(events).ifPresent(gap -> out.append(
                String.format("%7d ms  application runners (from \"started\" to ready)%n", gap.toMillis())));
        out.append(String.format("slowest by own time (nested steps excluded):%n"));
        events.stream()
                .map(event -> Map.entry(event, event.getDuration().minus(
                        nested.getOrDefault(event.getStartupStep().getId(), Duration.ZERO))))
                .sorted(Map.Entry.<TimelineEvent, Duration>comparingByValue(Comparator.reverseOrder()))
                .limit(SHOWN)
                .forEach(entry -> out.append(line(entry.getKey(), entry.getValue())));
        log.info("Start-up steps\n{}", out);
    }

    /** From the end of "started" (context refreshed, web server up) to now, the ready event: the runners. */
    private static Optional<Duration> runners(List<TimelineEvent> events) {
        return events.stream()
                .filter(event -> event.getStartupStep().getName().equals("spring.boot.application.started"))
                .map(event -> Duration.between(event.getEndTime(), Instant.now()))
                .findFirst();
    }

    private static String line(TimelineEvent event, Duration own) {
        StartupStep step = event.getStartupStep();
        String tags = StreamSupport.stream(step.getTags().spliterator(), false)
                .map(tag -> tag.getKey() + "=" + tag.getValue())
                .collect(Collectors.joining(", "));
        return String.format("%7d ms  (total %d ms)  %s %s%n", own.toMillis(), event.getDuration().toMillis(),
                step.getName(), tags);
    }
}
