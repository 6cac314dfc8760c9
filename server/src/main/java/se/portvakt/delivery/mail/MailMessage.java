package se.portvakt.delivery.mail;

import se.portvakt.account.EmailAddress;

/** One email to one person, in plain text and HTML (both always present, so every mail client shows it). */
public record MailMessage(EmailAddress to, String subject, String text, String html) {

    public MailMessage {
        if (to == null || subject == null || text == null || html == null) {
            throw new IllegalArgumentException("a mail needs a recipient, a subject, a text and an HTML body");
        }
    }
}
