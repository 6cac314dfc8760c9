package se.flexhrm.mobile;

/** Text from the network made safe to print: a provider or a forged redirect must not send terminal escapes. */
final class Terminal {

    private Terminal() {}

    /** The text with control characters (C0, DEL, C1) shown as {@code ?}; null as "(none)". */
    static String safe(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder safe = new StringBuilder(text.length());
        text.codePoints().forEach(c -> safe.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return safe.toString();
    }
}
