package se.portvakt.myaccount;

import java.time.Instant;

/**
 * A time as My account shows it: its text ({@link OverviewController#TIME}, in UTC) and, as markup, that text in an
 * element that keeps it on one line (a phone would otherwise break it at a hyphen, "2026-11-" / "30").
 *
 * @param html the markup: only digits and a few fixed letters, nothing to escape
 */
record ShownTime(String text, String html) {

    static ShownTime of(Instant at) {
        String text = OverviewController.TIME.format(at);
        return new ShownTime(text, "<span class=\"time\">" + text + "</span>");
    }

    @Override
    public String toString() {
        return text;
    }
}
