package se.portvakt.delivery.sms;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import se.portvakt.delivery.sms.SmsSender.SmsDeliveryException;

/**
 * What the HTTP adapters share: one POST to the provider within the configured timeouts, an answer that does not
 * come turned into an {@link SmsDeliveryException} naming the provider, and the refusal and success reports. The
 * number appears only masked and the text (it holds a code) never, in logs and in exception messages alike.
 */
final class SmsApi {

    private static final Logger log = LoggerFactory.getLogger(SmsApi.class);
    private static final int EXCERPT_LENGTH = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String provider;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final HttpClient http;

    /** @param provider the provider's name as the log and the exception messages show it */
    SmsApi(String provider, Duration connectTimeout, Duration readTimeout) {
        this.provider = provider;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Hands the message to the provider: POSTs the body; a 2xx answer means sent and is logged with the provider's
     * id for the message, anything else is a refusal that quotes the answer.
     *
     * @param authorization the {@code Authorization} header's value, or null for none
     * @param idField the JSON field of a 2xx answer that holds the provider's id for the message, or null
     * @param reason what of a refusal's body to quote (before it is shortened and the code and number taken out)
     * @throws SmsDeliveryException when the provider refuses, cannot be reached, or its whole answer does not
     *     arrive within the read timeout (waited for on the future, not only by the request's timeout, so a body
     *     that stalls after the headers counts too)
     */
    void deliver(SmsMessage message, URI url, String contentType, String body, String authorization, String idField,
            UnaryOperator<String> reason) {
        HttpResponse<String> response = post(url, contentType, body, authorization, message);
        if (response.statusCode() / 100 != 2) {
            throw new SmsDeliveryException(provider + " refused the SMS to " + masked(message.to()) + ": HTTP "
                    + response.statusCode() + ", " + excerpt(reason.apply(response.body()), message));
        }
        String id = idField == null ? null : field(response.body(), idField);
        log.info("SMS to {} handed to {}{}", masked(message.to()), provider, id == null ? "" : " (id " + id + ")");
    }

    /**
     * The start of an answer's body on one line, for an exception message. The number and the text are taken
     * out first: some providers echo them, and the text holds a code.
     */
    private static String excerpt(String body, SmsMessage message) {
        if (body == null || body.isBlank()) {
            return "an empty body";
        }
        String redacted = body.replace(message.text(), "[text]")
                .replace(message.to(), masked(message.to()))
                .replace(message.to().substring(1), masked(message.to()))
                .replaceAll("\\s+", " ")
                .strip();
        return redacted.length() <= EXCERPT_LENGTH ? redacted : redacted.substring(0, EXCERPT_LENGTH) + "…";
    }

    /** A number for the log: country code and the first digits, then stars, then the last two: +4670*****67. */
    static String masked(String number) {
        int shown = Math.min(5, number.length() - 2);
        return number.substring(0, shown) + "*".repeat(number.length() - shown - 2)
                + number.substring(number.length() - 2);
    }

    /** An {@code application/x-www-form-urlencoded} body, fields in the map's order. */
    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** A path under a provider's base URL, which may or may not end with a slash. */
    static URI under(URI base, String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + path);
    }

    /** A JSON answer's top-level field as text, or null when the answer is not JSON or lacks the field. */
    static String field(String body, String name) {
        JsonNode value = json(body).path(name);
        return value.isValueNode() && !value.isNull() ? value.asString() : null;
    }

    /** The {@code Authorization} value of HTTP Basic authentication. */
    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(URI url, String contentType, String body, String authorization,
            SmsMessage message) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(readTimeout)
                .header("Content-Type", contentType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<String>> answer =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return answer.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw noAnswer(message, e);
        } catch (ExecutionException e) {
            throw failed(message, e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new SmsDeliveryException(provider + ": interrupted while sending the SMS to " + masked(message.to()), e);
        }
    }

    private SmsDeliveryException failed(SmsMessage message, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new SmsDeliveryException(provider + " did not accept a connection within " + seconds(connectTimeout)
                    + " (SMS to " + masked(message.to()) + ")", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return noAnswer(message, cause);
        }
        String reason = cause instanceof IOException && cause.getMessage() != null
                ? cause.getClass().getSimpleName() + ": " + cause.getMessage() : String.valueOf(cause);
        return new SmsDeliveryException(provider + " could not be reached for the SMS to " + masked(message.to())
                + ": " + reason, cause);
    }

    private SmsDeliveryException noAnswer(SmsMessage message, Throwable cause) {
        return new SmsDeliveryException(provider + " did not answer within " + seconds(readTimeout) + " (SMS to "
                + masked(message.to()) + ")", cause);
    }

    private static JsonNode json(String body) {
        try {
            JsonNode tree = body == null || body.isBlank() ? null : JSON.readTree(body);
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (JacksonException notJson) {
            return MissingNode.getInstance();
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
