package se.portvakt.authenticator.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * What a person gives the authenticator to pair (decision 0019, pairing step 1): the link of the QR code,
 * {@code {issuer}/authenticator/#pair={code}}, which carries the issuer, or the pairing code typed by hand with the
 * server's address beside it. Parsing here means a malformed link or code never reaches the server.
 *
 * @param issuer the server's issuer URL, without a trailing slash (it may have a path)
 * @param code the 12-character pairing code, upper case, without dashes
 */
public record PairingTarget(URI issuer, String code) {

    /** The characters of a pairing code: no 0/O, 1/I, so that a typed code is unambiguous. */
    public static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private static final int CODE_LENGTH = 12;
    private static final String LINK_PATH = "/authenticator/";

    public PairingTarget {
        issuer = issuer(Objects.requireNonNull(issuer, "issuer").toString());
        code = code(Objects.requireNonNull(code, "code"));
    }

    /**
     * Reads a pairing link or a typed code.
     *
     * @param linkOrCode the link of the QR code, or the code as shown ({@code XXXX-XXXX-XXXX}; case, spaces and
     *     dashes do not matter)
     * @param server the issuer, needed with a bare code; with a link it may be given, and must then be the link's
     * @throws IllegalArgumentException saying what is wrong, in words for the person who typed it
     */
    public static PairingTarget parse(String linkOrCode, URI server) {
        String input = Objects.requireNonNull(linkOrCode, "linkOrCode").strip();
        if (!input.contains("://")) {
            if (server == null) {
                throw new IllegalArgumentException(
                        "A typed pairing code needs the server's address (--server URL); a link carries it.");
            }
            return new PairingTarget(server, input);
        }
        URI link;
        try {
            link = new URI(input);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a pairing link: " + e.getMessage());
        }
        String fragment = link.getRawFragment();
        String path = link.getRawPath() == null ? "" : link.getRawPath();
        path = path.endsWith("/") ? path : path + "/";
        if (fragment == null || !fragment.startsWith("pair=") || !path.endsWith(LINK_PATH)
                || link.getRawQuery() != null || link.getRawAuthority() == null) {
            throw new IllegalArgumentException(
                    "Not a pairing link: expected {issuer}/authenticator/#pair=CODE, got " + input);
        }
        String issuerPath = path.substring(0, path.length() - LINK_PATH.length());
        URI issuer = issuer(link.getScheme() + "://" + link.getRawAuthority() + issuerPath);
        if (server != null && !issuer(server.toString()).equals(issuer)) {
            throw new IllegalArgumentException(
                    "The link is for " + issuer + ", not for " + issuer(server.toString()) + ".");
        }
        return new PairingTarget(issuer, fragment.substring("pair=".length()));
    }

    /** The code as the browser shows it, {@code XXXX-XXXX-XXXX}. */
    public String displayed() {
        return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
    }

    /** The issuer as messages name it: an absolute http(s) URL with a host, no query or fragment, no final slash. */
    static URI issuer(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a server address: " + text);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "Not a server address (expected http(s)://host[:port][/path]): " + text);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    private static String code(String typed) {
        String code = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        if (code.length() != CODE_LENGTH || !code.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("Not a pairing code: expected 12 letters and digits like "
                    + "ABCD-EFGH-JKLM (without 0, 1, I or O), got \"" + typed + "\".");
        }
        return code;
    }
}
