package se.portvakt.delivery.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Twilio's Messages API as Twilio speaks it: a form POST with Basic auth, 201 and a sid, or a coded error. */
class TwilioSmsSenderTest extends SmsProviderContract {

    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "f00dfacef00dfacef00dfacef00dface";
    private static final String FROM = "+46766860001";

    @Override
    SmsSender sender() {
        return sender(FROM);
    }

    private SmsSender sender(String from) {
        // A base URL with a trailing slash, as operators copy it, must not double the slash in the path.
        return new TwilioSmsSender(stub.url("/"), ACCOUNT_SID, AUTH_TOKEN, from, api());
    }

    @Override
    ProviderStub.Answer accepted() {
        return ProviderStub.Answer.json(201, """
                {"account_sid": "AC0123456789abcdef0123456789abcdef", "api_version": "2010-04-01",
                 "body": "Your Portvakt code is 493021", "date_created": "Wed, 25 Nov 2026 12:00:00 +0000",
                 "date_sent": null, "date_updated": "Wed, 25 Nov 2026 12:00:00 +0000", "direction": "outbound-api",
                 "error_code": null, "error_message": null, "from": "+46766860001", "messaging_service_sid": null,
                 "num_media": "0", "num_segments": "1", "price": null, "price_unit": "USD",
                 "sid": "SM1f0e4f3a2b1c0d9e8f7a6b5c4d3e2f1a", "status": "queued",
                 "subresource_uris": {"media": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM1f0e4f3a2b1c0d9e8f7a6b5c4d3e2f1a/Media.json"},
                 "to": "+46701234567",
                 "uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM1f0e4f3a2b1c0d9e8f7a6b5c4d3e2f1a.json"}""");
    }

    @Override
    String provider() {
        return "Twilio";
    }

    @Test
    void theMessageIsPostedAsAFormToTheAccountsMessagesWithBasicAuth() {
        stub.answer(accepted());

        sender().send(MESSAGE);

        ProviderStub.Received request = stub.request();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json");
        assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((ACCOUNT_SID + ":" + AUTH_TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.form()).isEqualTo(Map.of("To", "+46701234567", "From", FROM,
                "Body", "Your Portvakt code is 493021"));
    }

    @Test
    void aMessagingServiceSidIsSentInsteadOfFrom() {
        stub.answer(accepted());
        String service = "MG9876543210fedcba9876543210fedcba";

        sender(service).send(MESSAGE);

        assertThat(stub.request().form()).containsEntry("MessagingServiceSid", service).doesNotContainKey("From");
    }

    @Test
    void aRefusalCarriesTwiliosCodeAndMessage() {
        stub.answer(ProviderStub.Answer.json(400, """
                {"code": 21211, "message": "The 'To' number +46701234567 is not a valid phone number.",
                 "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"""));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessage("Twilio refused the SMS to " + MASKED + ": HTTP 400, Twilio error 21211: "
                + "The 'To' number " + MASKED + " is not a valid phone number. (https://www.twilio.com/docs/errors/21211)");
    }

    @Test
    void wrongCredentialsAreNamedByTwiliosCode() {
        stub.answer(ProviderStub.Answer.json(401, """
                {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003",
                 "status": 401}"""));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessageContaining("HTTP 401, Twilio error 20003: Authenticate");
    }

    @Test
    void anAnswerThatIsNotTwiliosJsonIsQuoted() {
        stub.answer(ProviderStub.Answer.text(502, "<html><body>Bad Gateway</body></html>"));

        Throwable thrown = catchThrowable(() -> sender().send(MESSAGE));

        assertRefusal(thrown).hasMessageEndingWith("HTTP 502, <html><body>Bad Gateway</body></html>");
    }
}
