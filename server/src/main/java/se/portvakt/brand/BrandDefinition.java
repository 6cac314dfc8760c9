package se.portvakt.brand;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * An application's own look on the sign-in screens, as the operator declares it in the bootstrap file: the name
 * people see ("Sign in to Flex HRM"), a small logo and an accent colour for buttons and links. Checked when the
 * definition is made, so a logo that is too big or of another type, or a colour people cannot read, stops the start
 * with a message naming the client instead of showing a broken or unreadable screen.
 *
 * @param displayName the name on the screens and in the recovery mails
 * @param logo the logo's bytes (SVG or PNG, at most {@link #MAX_LOGO_BYTES}), or null for none
 * @param logoType {@code svg} or {@code png} (null without a logo)
 * @param accentColor {@code #rrggbb} (lower case), or null for Portvakt's own
 */
public record BrandDefinition(String displayName, byte[] logo, String logoType, String accentColor) {

    /** The first screen's budget (6 requests, 150 KB) holds with a logo of this size. */
    public static final int MAX_LOGO_BYTES = 20 * 1024;

    /** WCAG 2.x AA for normal text: white button text on the colour, and the colour as link text on white. */
    static final double MIN_CONTRAST = 4.5;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * Checks the parts the operator gave for the client {@code clientId}; {@code logoName} is where the logo came
     * from (for the messages and its type: {@code .svg} or {@code .png}).
     *
     * @throws IllegalArgumentException with a message naming the client
     */
    public static BrandDefinition of(String clientId, String displayName, String logoName, byte[] logo,
            String accentColor) {
        return of(clientId, displayName, logoName, logo, logo == null ? null : typeByName(logoName), accentColor);
    }

    /**
     * The same for a logo whose type was declared otherwise (a URL's {@code Content-Type}, or a copy stored earlier):
     * its bytes must still be what {@code logoType} says.
     *
     * @param logoType {@code svg}, {@code png}, or null when the logo's source says neither
     * @throws IllegalArgumentException with a message naming the client
     */
    public static BrandDefinition of(String clientId, String displayName, String logoName, byte[] logo,
            String logoType, String accentColor) {
        String type = logo == null ? null : checkedLogoType(clientId, logoName, logoType, logo);
        String color = null;
        if (accentColor != null) {
            if (!accentColor.matches("#[0-9A-Fa-f]{6}")) {
                throw new IllegalArgumentException("client " + clientId + ": accent-color " + accentColor
                        + " must be a colour written #rrggbb");
            }
            color = accentColor.toLowerCase(Locale.ROOT);
            double contrast = contrastWithWhite(color);
            if (contrast < MIN_CONTRAST) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "client %s: accent-color %s has a contrast of %.2f:1 with white; WCAG AA needs at least 4.5:1 "
                                + "(white button text on it, and it as link text on white): choose a darker colour",
                        clientId, color, contrast));
            }
        }
        return new BrandDefinition(displayName == null || displayName.isBlank() ? null : displayName.strip(), logo,
                type, color);
    }

    /**
     * The logo's type after the checks every logo passes, wherever it came from: at most 20 KB, and bytes that are
     * what its source declares (a PNG's signature; an XML document whose root element is {@code svg}).
     *
     * @param declaredType {@code svg} or {@code png} as the logo's name or source says, or null for neither
     * @throws IllegalArgumentException with a message naming the client and the logo
     */
    static String checkedLogoType(String clientId, String logoName, String declaredType, byte[] logo) {
        if (logo.length > MAX_LOGO_BYTES) {
            throw tooBig(clientId, logoName);
        }
        if ("png".equals(declaredType) && startsWith(logo, PNG_SIGNATURE)
                || "svg".equals(declaredType) && isSvg(logo)) {
            return declaredType;
        }
        throw new IllegalArgumentException("client " + clientId + ": logo " + logoName
                + " must be an SVG (.svg) or PNG (.png) image");
    }

    static IllegalArgumentException tooBig(String clientId, String logoName) {
        return new IllegalArgumentException("client " + clientId + ": logo " + logoName + " is larger than 20 KB ("
                + MAX_LOGO_BYTES + " bytes), the most a sign-in screen may carry");
    }

    private static String typeByName(String logoName) {
        String lower = logoName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".png") ? "png" : lower.endsWith(".svg") ? "svg" : null;
    }

    /** The WCAG 2.x contrast ratio of a {@code #rrggbb} colour with white (1 to 21). */
    static double contrastWithWhite(String color) {
        double r = channel(Integer.parseInt(color.substring(1, 3), 16));
        double g = channel(Integer.parseInt(color.substring(3, 5), 16));
        double b = channel(Integer.parseInt(color.substring(5, 7), 16));
        double luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        return 1.05 / (luminance + 0.05);
    }

    private static double channel(int value) {
        double c = value / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** An XML document whose root element is {@code svg} (a prologue and comments may come first). */
    private static boolean isSvg(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8)
                .replaceAll("(?s)<\\?.*?\\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "").strip();
        return text.startsWith("<svg") && text.contains("</svg>") || text.matches("(?s)<svg[^>]*/>");
    }

    /** Nothing to show: the client looks like Portvakt. */
    public boolean isEmpty() {
        return displayName == null && logo == null && accentColor == null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BrandDefinition that && java.util.Objects.equals(displayName, that.displayName)
                && Arrays.equals(logo, that.logo) && java.util.Objects.equals(logoType, that.logoType)
                && java.util.Objects.equals(accentColor, that.accentColor);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(displayName, Arrays.hashCode(logo), logoType, accentColor);
    }

    @Override
    public String toString() {
        return "BrandDefinition[" + displayName + ", " + (logo == null ? "no logo" : logo.length + " bytes " + logoType)
                + ", " + accentColor + "]";
    }
}
