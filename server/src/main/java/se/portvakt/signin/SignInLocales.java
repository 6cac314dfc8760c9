package se.portvakt.signin;

import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;

/**
 * The language of the pages: the browser's (Accept-Language), except during a sign-in whose application asked for
 * one with {@code ui_locales} (OpenID Connect Core 3.1.2.1): the first of its languages that Portvakt speaks, for
 * every page of that sign-in and what it sends by mail or SMS. The session remembers the choice next to the flow's
 * id, so it ends with the flow (a finished sign-in removes the id) and a new sign-in chooses again.
 */
@Component("localeResolver")
class SignInLocales implements LocaleResolver {

    /** The languages of messages*.properties, as BCP 47 tags. */
    static final List<String> SUPPORTED = List.of("sv", "en");

    private static final String CHOSEN = "portvakt.signin.locale";

    private final AcceptHeaderLocaleResolver browser = new AcceptHeaderLocaleResolver();

    /** Remembers the language {@code uiLocales} asks for (space-separated, by preference) for this flow, if any. */
    static void choose(HttpSession session, String flowId, String uiLocales) {
        String chosen = null;
        for (String tag : uiLocales == null ? new String[0] : uiLocales.split(" ")) {
            String language = Locale.forLanguageTag(tag).getLanguage();
            if (SUPPORTED.contains(language)) {
                chosen = language;
                break;
            }
        }
        if (chosen == null) {
            session.removeAttribute(CHOSEN);
        } else {
            session.setAttribute(CHOSEN, flowId + " " + chosen);
        }
    }

    @Override
    public Locale resolveLocale(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(SignInController.FLOW_ATTRIBUTE) instanceof String flowId
                && session.getAttribute(CHOSEN) instanceof String chosen && chosen.startsWith(flowId + " ")) {
            return Locale.forLanguageTag(chosen.substring(flowId.length() + 1));
        }
        return browser.resolveLocale(request);
    }

    @Override
    public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        throw new UnsupportedOperationException("The language follows the browser or the application's ui_locales.");
    }
}
