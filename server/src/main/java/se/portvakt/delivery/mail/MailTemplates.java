package se.portvakt.delivery.mail;

import java.util.Locale;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import se.portvakt.account.Account;
import se.portvakt.config.PortvaktProperties;

/**
 * Writes emails from templates under {@code templates/mail/}: each mail has an HTML body ({@code NAME.html},
 * inline styles as mail clients need) and a plain-text body ({@code NAME.txt}), with the texts of
 * {@code messages.properties} in the person's language. Every feature that mails a person composes here.
 */
@Component
public class MailTemplates {

    private final TemplateEngine html;
    private final TemplateEngine text;
    private final MessageSource messages;
    private final String accountUrl;

    MailTemplates(MessageSource messages, PortvaktProperties properties) {
        this.messages = messages;
        this.accountUrl = UriComponentsBuilder.fromUriString(properties.issuer()).path("/account").toUriString();
        this.html = engine(TemplateMode.HTML, ".html", messages);
        this.text = engine(TemplateMode.TEXT, ".txt", messages);
    }

    /**
     * The mail {@code template} to {@code account}, with the subject {@code subjectKey} of messages.properties.
     * Templates also get {@code name} (the person's name, else the email), {@code email} and {@code accountUrl} (My
     * account at the issuer's address, for the notices' footer).
     */
    public MailMessage compose(String template, String subjectKey, Account account, Locale locale,
            Map<String, Object> variables) {
        Context context = new Context(locale);
        context.setVariables(variables);
        context.setVariable("name", account.name() != null ? account.name() : account.email().value());
        context.setVariable("email", account.email().value());
        context.setVariable("accountUrl", accountUrl);
        String subject = messages.getMessage(subjectKey, null, locale);
        return new MailMessage(account.email(), subject, text.process(template, context), html.process(template, context));
    }

    private static TemplateEngine engine(TemplateMode mode, String suffix, MessageSource messages) {
        var resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/mail/");
        resolver.setSuffix(suffix);
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        var engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        engine.setTemplateEngineMessageSource(messages);
        return engine;
    }
}
