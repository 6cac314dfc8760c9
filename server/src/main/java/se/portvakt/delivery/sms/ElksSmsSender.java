package se.portvakt.delivery.sms;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * 46elks' SMS API: {@code POST /a1/sms} with the form fields {@code from}, {@code to} and {@code message},
 * authenticated by HTTP Basic with the API username and password. 46elks answers 200 with the message's
 * {@code id}; a refusal is a 4xx with a plain-text reason (e.g. "Invalid to number"), which the exception repeats.
 */
final class ElksSmsSender implements SmsSender {

    /**
     * A text sender ID as 46elks advises: 3 to 11 of A-Z, a-z and 0-9, not starting with a digit (other characters,
     * even spaces, are dropped or garbled by some operators and handsets); or a number in E.164 form.
     */
    private static final Pattern SENDER = Pattern.compile("[A-Za-z][A-Za-z0-9]{2,10}|\\+[1-9][0-9]{6,14}");

    private final URI url;
    private final String authorization;
    private final String from;
    private final SmsApi api;

    ElksSmsSender(URI baseUrl, String username, String password, String from, SmsApi api) {
        this.url = SmsApi.under(baseUrl, "/a1/sms");
        this.authorization = SmsApi.basic(username, password);
        this.from = from;
        this.api = api;
    }

    /** True for a sender 46elks delivers reliably: a short name of letters and digits, or a number. */
    static boolean isSender(String value) {
        return SENDER.matcher(value).matches();
    }

    @Override
    public void send(SmsMessage message) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("from", from);
        form.put("to", message.to());
        form.put("message", message.text());
        form.put("dontlog", "message"); // the text holds a code: 46elks then keeps no copy of it in its logs
        api.deliver(message, url, "application/x-www-form-urlencoded", SmsApi.form(form), authorization, "id",
                answer -> answer);
    }
}
