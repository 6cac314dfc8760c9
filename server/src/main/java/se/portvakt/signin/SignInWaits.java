package se.portvakt.signin;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import se.portvakt.factor.push.DevicePaired;
import se.portvakt.factor.push.PushDecided;
import se.portvakt.signin.flow.SignInFlow;
import se.portvakt.signin.flow.SignInFlowStore;
import se.portvakt.signin.flow.SignInStep;
import se.portvakt.signin.flow.Step;
import se.portvakt.signin.flow.WaitingStep;
import se.portvakt.web.WaitingPages;

/**
 * Tells a sign-in page that waits for the phone ({@link WaitingStep}) when to move on, through {@link WaitingPages}:
 * ready when the flow's page has something new to show (what it waited for, or the flow moved or ended), woken by the
 * event of a pairing or a decision of the flow.
 */
@RestController
@RequestMapping("/signin/wait")
class SignInWaits {

    private final Map<Step, WaitingStep> waiting = new EnumMap<>(Step.class);
    private final SignInFlowStore flows;
    private final WaitingPages pages;

    SignInWaits(List<SignInStep> handlers, SignInFlowStore flows, WaitingPages pages) {
        handlers.stream()
                .filter(WaitingStep.class::isInstance)
                .forEach(handler -> waiting.put(handler.step(), (WaitingStep) handler));
        this.flows = flows;
        this.pages = pages;
    }

    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(HttpServletRequest request) {
        return BrowserFlows.storedId(request).map(id -> pages.stream(id, () -> ready(id)))
                .orElseGet(pages::readyNow);
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> poll(HttpServletRequest request) {
        Optional<String> flowId = BrowserFlows.storedId(request);
        return pages.poll(() -> flowId.map(this::ready).orElse(true));
    }

    @EventListener
    void paired(DevicePaired event) {
        pages.wake(event.flowId());
    }

    @EventListener
    void decided(PushDecided event) {
        pages.wake(event.flowId());
    }

    private boolean ready(String flowId) {
        Optional<SignInFlow> flow = flows.find(flowId, Instant.now());
        if (flow.isEmpty()) {
            return true;
        }
        WaitingStep step = waiting.get(flow.get().step());
        return step == null || step.ready(flow.get());
    }
}
