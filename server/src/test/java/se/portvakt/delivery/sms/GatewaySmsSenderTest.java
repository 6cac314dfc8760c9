package se.portvakt.delivery.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The generic gateway contract of the README: a JSON POST with a bearer token; any 2xx is sent. */
class GatewaySmsSenderTest extends SmsProviderContract {

    private static final String TOKEN = "s3cr3t-gateway-token";

    @Override
    SmsSender sender() {
        return new GatewaySmsSender(stub.url("/v1/sms"), "Portvakt", TOKEN, api());
    }

    @Override
    ProviderStub.Answer accepted() {
        return ProviderStub.Answer.json(200, "{\"id\": \"msg-1\"}");
    }

    @Override
    String provider() {
        return "The SMS gateway";
    }

    @Test
    void theMessageIsPostedAsJsonWithTheBearerToken() {
        stub.answer(accepted());

        sender().send(MESSAGE);

        ProviderStub.Received request = stub.request();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/sms");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(json(request.body())).containsExactly(Map.entry("to", "+46701234567"),
                Map.entry("from", "Portvakt"), Map.entry("text", "Your Portvakt code is 493021"));
    }

    @Test
    void withoutTokenAndSenderNeitherIsSent() {
        stub.answer(accepted());

        new GatewaySmsSender(stub.url("/v1/sms"), null, null, api()).send(MESSAGE);

        ProviderStub.Received request = stub.request();
        assertThat(request.header("Authorization")).isNull();
        assertThat(json(request.body())).containsOnlyKeys("to", "text");
    }

    @Test
    void anyTwoHundredAnswerMeansSent() {
        for (int status : new int[] {201, 202, 204}) {
            stub.answer(ProviderStub.Answer.text(status, ""));

            sender().send(MESSAGE);
        }
    }

    @Test
    void aRefusalCarriesTheStatusAndTheStartOfTheBody() {
        stub.answer(ProviderStub.Answer.text(503, "queue full,\n  try again later"));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessage("The SMS gateway refused the SMS to " + MASKED
                + ": HTTP 503, queue full, try again later");
    }

    @Test
    void aRefusalThatEchoesTheMessageKeepsTheCodeAndNumberOut() {
        stub.answer(ProviderStub.Answer.json(400,
                "{\"error\": \"rejected\", \"to\": \"+46701234567\", \"text\": \"Your Portvakt code is 493021\"}"));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessageContaining("HTTP 400").hasMessageContaining("\"to\": \"" + MASKED + "\"")
                .hasMessageContaining("\"text\": \"[text]\"");
    }

    @Test
    void aLongRefusalIsShortened() {
        stub.answer(ProviderStub.Answer.text(500, "<html>" + "x".repeat(5_000) + "</html>"));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessageContaining("HTTP 500, <html>xxx").hasMessageEndingWith("…");
        assertThat(thrown.getMessage()).hasSizeLessThan(300);
    }

    private static Map<String, String> json(String body) {
        return JsonMapper.builder().build().readValue(body, new TypeReference<java.util.LinkedHashMap<String, String>>() {});
    }
}
