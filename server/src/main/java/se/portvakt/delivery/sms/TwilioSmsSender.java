package se.portvakt.delivery.sms;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Twilio's Messages API: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json} with the form fields
 * {@code To}, {@code From} (or {@code MessagingServiceSid}) and {@code Body}, authenticated by HTTP Basic with the
 * Account SID and auth token. Twilio answers 201 with the message's {@code sid}; a refusal carries Twilio's
 * {@code code} and {@code message} (e.g. 21211, not a valid phone number), which the exception repeats.
 */
final class TwilioSmsSender implements SmsSender {

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern MESSAGING_SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");

    private final URI url;
    private final String authorization;
    private final String senderField;
    private final String from;
    private final SmsApi api;

    /**
     * @param from a Twilio number in E.164 form, an alphanumeric sender ID, or a Messaging Service SID (MG...),
     *     which Twilio then uses to pick the sender
     */
    TwilioSmsSender(URI baseUrl, String accountSid, String authToken, String from, SmsApi api) {
        this.url = SmsApi.under(baseUrl, "/2010-04-01/Accounts/" + accountSid + "/Messages.json");
        this.authorization = SmsApi.basic(accountSid, authToken);
        this.senderField = MESSAGING_SERVICE_SID.matcher(from).matches() ? "MessagingServiceSid" : "From";
        this.from = from;
        this.api = api;
    }

    /** True for what the Twilio console shows as the Account SID: AC and 32 hex digits. */
    static boolean isAccountSid(String value) {
        return ACCOUNT_SID.matcher(value).matches();
    }

    @Override
    public void send(SmsMessage message) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.to());
        form.put(senderField, from);
        form.put("Body", message.text());
        api.deliver(message, url, "application/x-www-form-urlencoded", SmsApi.form(form), authorization, "sid",
                TwilioSmsSender::error);
    }

    /** Twilio's error as "Twilio error 21211: ...", or the body itself when it is not Twilio's JSON. */
    private static String error(String body) {
        String code = SmsApi.field(body, "code");
        String text = SmsApi.field(body, "message");
        if (code == null || text == null) {
            return body;
        }
        String moreInfo = SmsApi.field(body, "more_info");
        return "Twilio error " + code + ": " + text + (moreInfo == null ? "" : " (" + moreInfo + ")");
    }
}
