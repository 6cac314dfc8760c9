package se.portvakt.authenticator.cli;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * The HTTP side of decision 0019: posts a signed message as {@code application/jose} and reads the answer into an
 * {@link Outcome}. Every status and body becomes a value; only a bug here would throw.
 */
final class DeviceApi {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final Clock clock;

    DeviceApi(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    Outcome post(Signed signed) {
        HttpRequest request = HttpRequest.newBuilder(signed.url())
                .timeout(TIMEOUT)
                .header("Content-Type", "application/jose")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(signed.compact()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Outcome.Unreachable(signed.url() + ": " + reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Unreachable(signed.url() + ": interrupted");
        }
        return answer(signed, response.statusCode(), response.body());
    }

    private Outcome answer(Signed signed, int status, String body) {
        Operation operation = signed.message().operation();
        if (status == 401 && operation != Operation.PAIR && "unknown_device".equals(errorField(body, "error"))) {
            return new Outcome.DeviceRemoved(errorField(body, "error_description"));
        }
        if (status != operation.success()) {
            String error = errorField(body, "error");
            return new Outcome.Refused(status, error == null ? "http_" + status : error,
                    errorField(body, "error_description"));
        }
        try {
            return switch (operation) {
                case PAIR -> paired(signed, JSONObjectUtils.parse(body));
                case PENDING -> new Outcome.Requests(requests(JSONObjectUtils.parse(body)));
                case DECIDE, REPORT -> decided(JSONObjectUtils.getString(JSONObjectUtils.parse(body), "outcome"),
                        operation);
                case SUBSCRIPTION, REMOVE -> new Outcome.Done();
            };
        } catch (ParseException | RuntimeException e) {
            return new Outcome.Refused(status, "invalid_response",
                    "the " + operation.path() + " answer cannot be read: " + e.getMessage());
        }
    }

    private Outcome paired(Signed signed, Map<String, Object> body) throws ParseException {
        String device = JSONObjectUtils.getString(body, "device");
        String email = JSONObjectUtils.getString(body, "email");
        Object name = signed.message().claims().get("name");
        if (device == null || device.isBlank() || email == null || email.isBlank()) {
            throw new ParseException("no device or email", 0);
        }
        Instant now = clock.instant();
        return new Outcome.Paired(new Account(signed.message().issuer(), email, device,
                name == null ? "" : name.toString(), signed.key(), now, null));
    }

    private static List<PendingRequest> requests(Map<String, Object> body) throws ParseException {
        List<Object> listed = JSONObjectUtils.getJSONArray(body, "requests");
        if (listed == null) {
            throw new ParseException("no requests", 0);
        }
        List<PendingRequest> requests = new ArrayList<>();
        for (Object each : listed) {
            if (!(each instanceof Map<?, ?>)) {
                throw new ParseException("a request is not an object", 0);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> request = (Map<String, Object>) each;
            List<Integer> numbers = new ArrayList<>();
            for (Object number : JSONObjectUtils.getJSONArray(request, "numbers")) {
                numbers.add(((Number) number).intValue());
            }
            requests.add(new PendingRequest(
                    JSONObjectUtils.getString(request, "id"),
                    JSONObjectUtils.getString(request, "application"),
                    JSONObjectUtils.getString(request, "address"),
                    JSONObjectUtils.getString(request, "place"),
                    instant(JSONObjectUtils.getString(request, "createdAt")),
                    instant(JSONObjectUtils.getString(request, "expiresAt")),
                    numbers,
                    request.get("typeNumber") != null && JSONObjectUtils.getBoolean(request, "typeNumber")));
        }
        return requests;
    }

    private static Outcome decided(String outcome, Operation operation) throws ParseException {
        if (outcome == null) {
            throw new ParseException("no outcome", 0);
        }
        Outcome read = switch (outcome) {
            case "approved" -> new Outcome.Approved();
            case "denied" -> new Outcome.Denied();
            case "wrong-number" -> new Outcome.WrongNumber();
            case "expired" -> new Outcome.Expired();
            case "decided" -> new Outcome.Decided();
            case "reported" -> new Outcome.Reported();
            default -> throw new ParseException("unknown outcome " + outcome, 0);
        };
        if ((operation == Operation.REPORT) != (read instanceof Outcome.Reported)) {
            throw new ParseException("outcome " + outcome + " does not answer " + operation.path(), 0);
        }
        return read;
    }

    private static Instant instant(String text) throws ParseException {
        if (text == null) {
            throw new ParseException("a request has no time", 0);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ParseException("not an ISO-8601 instant: " + text, 0);
        }
    }

    /** A field of a JSON error body, or {@code null} when the body is not one. */
    private static String errorField(String body, String field) {
        try {
            return JSONObjectUtils.getString(JSONObjectUtils.parse(body), field);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
