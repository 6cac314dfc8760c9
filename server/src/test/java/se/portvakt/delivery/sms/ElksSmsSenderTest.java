package se.portvakt.delivery.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** 46elks' SMS API as 46elks speaks it: a form POST with Basic auth, 200 and an id, or a 4xx with a reason. */
class ElksSmsSenderTest extends SmsProviderContract {

    private static final String USERNAME = "u2c11ef65b429a8e16ccb1f960d02c734";
    private static final String PASSWORD = "C0ACCEEC0FAFE879189DD5D57F6EC348";

    @Override
    SmsSender sender() {
        return new ElksSmsSender(stub.url(""), USERNAME, PASSWORD, "Portvakt", api());
    }

    @Override
    ProviderStub.Answer accepted() {
        return ProviderStub.Answer.json(200, """
                {"status": "created", "direction": "outgoing", "from": "Portvakt",
                 "created": "2026-11-25T12:00:00.000000", "parts": 1, "to": "+46701234567", "cost": 3500,
                 "id": "s70df59406a1b4643b96f3f91e0bfb7b0"}""");
    }

    @Override
    String provider() {
        return "46elks";
    }

    @Test
    void theMessageIsPostedAsAFormWithBasicAuthAndWithoutA46elksLogCopy() {
        stub.answer(accepted());

        sender().send(MESSAGE);

        ProviderStub.Received request = stub.request();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/a1/sms");
        assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.form()).isEqualTo(Map.of("from", "Portvakt", "to", "+46701234567",
                "message", "Your Portvakt code is 493021", "dontlog", "message"));
    }

    @Test
    void aRefusalCarriesTheStatusAnd46elksReason() {
        stub.answer(ProviderStub.Answer.text(403, "Invalid to number"));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessage("46elks refused the SMS to " + MASKED + ": HTTP 403, Invalid to number");
    }

    @Test
    void wrongCredentialsAreReportedAs46elksSaysThem() {
        stub.answer(ProviderStub.Answer.text(401, "API access requires Basic HTTP authentication."));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessageEndingWith("HTTP 401, API access requires Basic HTTP authentication.");
    }

    @Test
    void aSenderIsAShortNameOfLettersAndDigitsOrANumber() {
        assertThat(ElksSmsSender.isSender("Portvakt")).isTrue();
        assertThat(ElksSmsSender.isSender("FlexHRM2")).isTrue();
        assertThat(ElksSmsSender.isSender("+46766861004")).isTrue();
        assertThat(ElksSmsSender.isSender("PortvaktLogin")).as("12 characters").isFalse();
        assertThat(ElksSmsSender.isSender("Flex HRM")).as("a space").isFalse();
        assertThat(ElksSmsSender.isSender("2FA")).as("starts with a digit").isFalse();
        assertThat(ElksSmsSender.isSender("Åre")).as("not A-Z").isFalse();
        assertThat(ElksSmsSender.isSender("PV")).as("too short").isFalse();
    }
}
