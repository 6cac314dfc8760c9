package se.portvakt.factor.totp;

import java.nio.charset.StandardCharsets;

/**
 * The {@code otpauth://} URI that the QR code on "Set up authenticator app" carries (journey step 5), in
 * Google's Key Uri Format, which Google and Microsoft Authenticator and the others read:
 * {@code otpauth://totp/Issuer:account?secret=...&issuer=Issuer&algorithm=SHA1&digits=6&period=30}.
 *
 * <p>The issuer is both the label's prefix and the {@code issuer} parameter, as the format recommends; the app
 * shows it above the account. Text is UTF-8, percent-encoded as RFC 3986 says, with a space as {@code %20}
 * (never {@code +}, which apps show as a plus); {@code @} stays literal as in the format's own examples.
 */
public final class OtpauthUri {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private OtpauthUri() {}

    /**
     * The URI for {@code accountName} (the person's email address) at {@code issuer} (the name the person knows
     * the service by).
     *
     * @throws IllegalArgumentException when the issuer contains a colon, which would split the label wrongly
     */
    public static String of(String issuer, String accountName, TotpSecret secret) {
        if (issuer.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an otpauth issuer cannot contain a colon: " + issuer);
        }
        String encodedIssuer = encoded(issuer);
        return "otpauth://totp/" + encodedIssuer + ":" + encoded(accountName)
                + "?secret=" + secret.base32()
                + "&issuer=" + encodedIssuer
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters and {@code @}. */
    private static String encoded(String text) {
        StringBuilder encoded = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~@".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0x0f]);
            }
        }
        return encoded.toString();
    }
}
