package se.portvakt.delivery.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.spring6.view.ThymeleafViewResolver;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import se.portvakt.testing.MemoryDatabase;

/** The page {@code /dev/outbox} shows mails and text messages side by side, an SMS with its text inline. */
class DevOutboxPageTest {

    private final DevOutbox outbox = new DevOutbox(MemoryDatabase.migrated());

    @Test
    void anSmsIsListedBesideAMailWithItsTextAndWithoutASubject() throws Exception {
        outbox.store("email", "anna@company.com", "Reset your password", "Open the link", "<p>Open the link</p>");
        outbox.store("sms", "+46701234567", "SMS", "Your Portvakt code is 493021", null);

        String page = page();

        assertThat(page).contains("SMS</span> to <strong>+46701234567</strong>")
                .contains("<pre>Your Portvakt code is 493021</pre>")
                .contains("email</span> to <strong>anna@company.com</strong>")
                .contains("<h2>Reset your password</h2>")
                .doesNotContain("<h2>SMS</h2>");
        assertThat(page.indexOf("+46701234567")).as("newest first").isLessThan(page.indexOf("anna@company.com"));
    }

    private String page() throws Exception {
        var templates = new ClassLoaderTemplateResolver();
        templates.setPrefix("templates/");
        templates.setSuffix(".html");
        templates.setCharacterEncoding("UTF-8");
        var messages = new ResourceBundleMessageSource();
        messages.setBasename("messages");
        var engine = new SpringTemplateEngine();
        engine.setTemplateResolver(templates);
        engine.setTemplateEngineMessageSource(messages);
        var views = new ThymeleafViewResolver();
        views.setTemplateEngine(engine);
        views.setCharacterEncoding("UTF-8");
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new DevOutboxController(outbox)).setViewResolvers(views).build();
        return mvc.perform(get("/dev/outbox")).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }
}
