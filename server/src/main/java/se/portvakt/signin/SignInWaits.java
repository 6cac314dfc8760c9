package se.portvakt.signin;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import se.portvakt.factor.push.DevicePaired;
import se.portvakt.factor.push.PushDecided;

/**
 * Tells a page that waits for the phone ({@link WaitingStep}) when to move on: as Server-Sent Events
 * ({@code event: status}, {@code data: waiting|ready}), or as JSON {@code {"status": ...}} for pages that poll. A
 * waiting browser holds no thread: its stream is an async response, woken at once by the event of a pairing or a
 * decision handled on this node, and by a re-read every half second of the flows still waiting (a decision taken
 * through another node). A stream ends after two minutes; the browser's EventSource opens a new one.
 */
@RestController
@RequestMapping("/signin/wait")
class SignInWaits {

    static final String READY = "ready";
    static final String WAITING = "waiting";
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(2);

    private final Map<Step, WaitingStep> waiting = new EnumMap<>(Step.class);
    private final ConcurrentMap<String, Set<SseEmitter>> streams = new ConcurrentHashMap<>();
    private final SignInFlowStore flows;

    SignInWaits(List<SignInStep> handlers, SignInFlowStore flows) {
        handlers.stream()
                .filter(WaitingStep.class::isInstance)
                .forEach(handler -> waiting.put(handler.step(), (WaitingStep) handler));
        this.flows = flows;
    }

    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(HttpServletRequest request) {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        Optional<String> flowId = SignInController.flowId(request);
        String status = flowId.map(this::status).orElse(READY);
        if (!send(emitter, status)) {
            return emitter;
        }
        if (READY.equals(status)) {
            emitter.complete();
            return emitter;
        }
        String id = flowId.get();
        streams.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet()).add(emitter);
        Runnable forget = () -> forget(id, emitter);
        emitter.onCompletion(forget);
        emitter.onTimeout(forget);
        emitter.onError(error -> forget.run());
        wake(id); // it may have happened between the first read and the registration
        return emitter;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> poll(HttpServletRequest request) {
        return Map.of("status", SignInController.flowId(request).map(this::status).orElse(READY));
    }

    @EventListener
    void paired(DevicePaired event) {
        wake(event.flowId());
    }

    @EventListener
    void decided(PushDecided event) {
        wake(event.flowId());
    }

    /** Decisions taken through another node reach this node's waiting pages here. */
    @Scheduled(fixedDelayString = "PT0.5S", initialDelayString = "PT1S")
    void recheck() {
        streams.keySet().forEach(this::wake);
    }

    private void wake(String flowId) {
        Set<SseEmitter> waiters = streams.get(flowId);
        if (waiters == null || waiters.isEmpty() || !READY.equals(status(flowId))) {
            return;
        }
        for (SseEmitter emitter : waiters) {
            if (send(emitter, READY)) {
                emitter.complete();
            }
        }
        streams.remove(flowId);
    }

    /** Ready when the flow's page has something new to show: what it waited for, or the flow moved or ended. */
    private String status(String flowId) {
        Optional<SignInFlow> flow = flows.find(flowId, Instant.now());
        if (flow.isEmpty()) {
            return READY;
        }
        WaitingStep step = waiting.get(flow.get().step());
        return step == null || step.ready(flow.get()) ? READY : WAITING;
    }

    private void forget(String flowId, SseEmitter emitter) {
        streams.computeIfPresent(flowId, (key, waiters) -> {
            waiters.remove(emitter);
            return waiters.isEmpty() ? null : waiters;
        });
    }

    private static boolean send(SseEmitter emitter, String status) {
        try {
            emitter.send(SseEmitter.event().name("status").data(status));
            return true;
        } catch (IOException | IllegalStateException gone) {
            emitter.completeWithError(gone);
            return false;
        }
    }
}
