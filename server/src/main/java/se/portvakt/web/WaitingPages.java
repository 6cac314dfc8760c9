package se.portvakt.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Tells a page that waits for the phone (it pairs, or decides a push request) when to move on
 * ({@code static/js/waiting.js}): as Server-Sent Events ({@code event: status}, {@code data: waiting|ready}), or as
 * JSON {@code {"status": ...}} for pages that poll. A waiting browser holds no thread: its stream is an async
 * response, woken at once by {@link #wake} (the event of a pairing or a decision handled on this node), and by a
 * re-read every half second of what is still waiting (a decision taken through another node). A stream ends after
 * two minutes; the browser's EventSource opens a new one. The sign-in's pages and My account's pairing use it.
 */
@Component
public class WaitingPages {

    static final String READY = "ready";
    static final String WAITING = "waiting";
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(2);

    /** The streams waiting for one thing, and how to tell whether it happened. */
    private record Waiting(BooleanSupplier ready, Set<SseEmitter> streams) {}

    private final ConcurrentMap<String, Waiting> waiting = new ConcurrentHashMap<>();

    /** A stream for the page waiting for {@code key}, ready as soon as {@code ready} says so. */
    public SseEmitter stream(String key, BooleanSupplier ready) {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        boolean now = ready.getAsBoolean();
        if (!send(emitter, now ? READY : WAITING)) {
            return emitter;
        }
        if (now) {
            emitter.complete();
            return emitter;
        }
        waiting.computeIfAbsent(key, id -> new Waiting(ready, ConcurrentHashMap.newKeySet())).streams().add(emitter);
        Runnable forget = () -> forget(key, emitter);
        emitter.onCompletion(forget);
        emitter.onTimeout(forget);
        emitter.onError(error -> forget.run());
        wake(key); // it may have happened between the first read and the registration
        return emitter;
    }

    /** A stream that says "ready" at once: nothing to wait for (no sign-in, nothing being paired). */
    public SseEmitter readyNow() {
        return stream("", () -> true);
    }

    /** The answer to a page that polls. */
    public Map<String, String> poll(BooleanSupplier ready) {
        return Map.of("status", ready.getAsBoolean() ? READY : WAITING);
    }

    /** Something happened to {@code key}: its streams are told, if it is what they wait for. */
    public void wake(String key) {
        Waiting waiters = waiting.get(key);
        if (waiters == null || waiters.streams().isEmpty() || !waiters.ready().getAsBoolean()) {
            return;
        }
        for (SseEmitter emitter : waiters.streams()) {
            if (send(emitter, READY)) {
                emitter.complete();
            }
        }
        waiting.remove(key);
    }

    /** Decisions taken through another node reach this node's waiting pages here. */
    @Scheduled(fixedDelayString = "PT0.5S", initialDelayString = "PT1S")
    void recheck() {
        waiting.keySet().forEach(this::wake);
    }

    private void forget(String key, SseEmitter emitter) {
        waiting.computeIfPresent(key, (id, waiters) -> {
            waiters.streams().remove(emitter);
            return waiters.streams().isEmpty() ? null : waiters;
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
