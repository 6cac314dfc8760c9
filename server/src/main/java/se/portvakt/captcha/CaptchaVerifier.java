package se.portvakt.captcha;

/**
 * The "I'm not a robot" check of journey step 3 (a port): tells whether the token that the person's browser
 * submitted in the form field {@value #FORM_FIELD} proves a solved CAPTCHA; anything else, including an outage
 * of the provider, is "not passed".
 */
public interface CaptchaVerifier {

    /** The form field that carries the token, whichever provider is configured. */
    String FORM_FIELD = "captcha";

    /**
     * Checks the token once: a token that passed is spent. Expected failures are results, never exceptions.
     *
     * @param token the value of the form field {@value #FORM_FIELD}; null or blank when the person did not solve it
     * @param clientAddress the person's address as the server sees it (sent to providers that use it), or null
     */
    CaptchaResult verify(String token, String clientAddress);

    /** What a page needs to show this verifier's widget. */
    CaptchaWidget widget();
}
