package se.portvakt.brand;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An application's look as the sign-in screens use it: the name to sign in to, and where its logo and stylesheet
 * are. Their URLs carry a hash of their content, so browsers may keep them for a year and a new logo is fetched at
 * once.
 *
 * @param clientId the application's client_id
 * @param displayName the name after "Sign in to"
 * @param logo the logo's bytes, or null
 * @param logoType {@code svg} or {@code png}, or null
 * @param accentColor {@code #rrggbb}, or null
 */
public record Brand(String clientId, String displayName, byte[] logo, String logoType, String accentColor) {

    /** The logo's URL, e.g. {@code /brand/flex-hrm/3f2a9c0d1e4b5a67.svg}, or null without a logo. */
    public String logoUrl() {
        return logo == null ? null : "/brand/" + clientId + "/" + logoFile();
    }

    /** The URL of the stylesheet that gives buttons and links the accent colour, or null without one. */
    public String stylesheetUrl() {
        return accentColor == null ? null : "/brand/" + clientId + "/" + stylesheetFile();
    }

    String logoFile() {
        return hash(logo) + "." + logoType;
    }

    String stylesheetFile() {
        return hash(stylesheet().getBytes(StandardCharsets.UTF_8)) + ".css";
    }

    /**
     * The accent colour on what Portvakt's own stylesheet colours blue: primary buttons, outlined buttons, links and
     * focus rings. Loaded after it, so these rules win; the colour passed the contrast check at start.
     */
    String stylesheet() {
        String c = accentColor;
        return ":root{--accent:" + c + "}\n"
                + ".primary,.primary:hover{background:var(--accent)}\n"
                + ".primary:hover{filter:brightness(.88)}\n"
                + ".secondary{color:var(--accent);border-color:var(--accent)}\n"
                + "a,button.link{color:var(--accent)}\n"
                + "button:focus-visible,a:focus-visible,.check input:focus-visible{outline-color:var(--accent)}\n"
                + "input:focus-visible,select:focus-visible{outline-color:var(--accent);border-color:var(--accent)}\n"
                + ".check input{accent-color:var(--accent)}\n";
    }

    private static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
