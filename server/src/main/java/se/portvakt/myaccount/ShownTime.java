package se.portvakt.myaccount;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A time as My account shows it: its text ({@link OverviewController#TIME}, in UTC) and, as markup, that text in a
 * {@code <time>} element that keeps it on one line (a phone would otherwise break it at a hyphen, "2026-11-" / "30")
 * and that {@code /js/local-time.js} rewrites in the browser's own time zone (decision 0040).
 *
 * @param html the markup (to the minute, as its text): only digits and a few fixed letters, nothing to escape
 */
record ShownTime(String text, String html) {

    static ShownTime of(Instant at) {
        String text = OverviewController.TIME.format(at);
        String iso = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.MINUTES));
        return new ShownTime(text, "<time class=\"time\" datetime=\"" + iso + "\">" + text + "</time>");
    }

    @Override
    public String toString() {
        return text;
    }
}
