package se.portvakt.delivery.sms;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * A generic HTTP gateway, for an operator's own SMS service: {@code POST} of
 * {@code {"to": "+46...", "from": "...", "text": "..."}} as JSON ({@code from} only when configured), with
 * {@code Authorization: Bearer <token>} when a token is set. Any 2xx answer means sent; anything else is refused.
 */
final class GatewaySmsSender implements SmsSender {

    private final URI url;
    private final String from;
    private final String authorization;
    private final SmsApi api;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param from the sender to pass on, or null to leave it to the gateway
     * @param token the bearer token, or null to send no {@code Authorization} header
     */
    GatewaySmsSender(URI url, String from, String token, SmsApi api) {
        this.url = url;
        this.from = from;
        this.authorization = token == null ? null : "Bearer " + token;
        this.api = api;
    }

    @Override
    public void send(SmsMessage message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("to", message.to());
        if (from != null) {
            body.put("from", from);
        }
        body.put("text", message.text());
        api.deliver(message, url, "application/json", json.writeValueAsString(body), authorization, null,
                answer -> answer);
    }
}
