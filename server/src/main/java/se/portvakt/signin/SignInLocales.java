package se.portvakt.signin;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;

import se.portvakt.signin.flow.SignInFlow;

/**
 * The language of the pages: the browser's (Accept-Language), except during a sign-in whose application asked for
 * one with {@code ui_locales} (OpenID Connect Core 3.1.2.1): the first of its languages that Portvakt speaks, for
 * every page of that sign-in and what it sends by mail or SMS. The flow's own request says which (a flow in the
 * browser's cookie, or the one this request read); for a stored flow whose request was not read, the session
 * remembers the choice next to the flow's id, so it ends with the flow and a new sign-in chooses again.
 */
@Component("localeResolver")
class SignInLocales implements LocaleResolver {

    /** The languages of messages*.properties, as BCP 47 tags. */
    static final List<String> SUPPORTED = List.of("sv", "en");

    private static final String CHOSEN = "portvakt.signin.locale";

    private final AcceptHeaderLocaleResolver browser = new AcceptHeaderLocaleResolver();

    private final FlowCookie cookie;

    SignInLocales(FlowCookie cookie) {
        this.cookie = cookie;
    }

    /** Remembers the language the stored flow's application asked for, if any, for the pages that do not read it. */
    static void choose(HttpSession session, SignInFlow flow) {
        String chosen = chosen(flow);
        if (chosen == null) {
            session.removeAttribute(CHOSEN);
        } else {
            session.setAttribute(CHOSEN, flow.id() + " " + chosen);
        }
    }

    @Override
    public Locale resolveLocale(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Optional<String> stored = BrowserFlows.storedId(request);
        SignInFlow flow = request.getAttribute(SignInJourney.FLOW_READ) instanceof SignInFlow read ? read
                : stored.isEmpty() ? cookie.flow(request).orElse(null) : null;
        if (flow != null) {
            String chosen = chosen(flow);
            return chosen != null ? Locale.forLanguageTag(chosen) : browser.resolveLocale(request);
        }
        if (stored.isPresent() && session.getAttribute(CHOSEN) instanceof String chosen
                && chosen.startsWith(stored.get() + " ")) {
            return Locale.forLanguageTag(chosen.substring(stored.get().length() + 1));
        }
        return browser.resolveLocale(request);
    }

    /** The first language of the flow's {@code ui_locales} (space-separated, by preference) that Portvakt speaks. */
    private static String chosen(SignInFlow flow) {
        String uiLocales = flow.requestParameter("ui_locales");
        for (String tag : uiLocales == null ? new String[0] : uiLocales.split(" ")) {
            String language = Locale.forLanguageTag(tag).getLanguage();
            if (SUPPORTED.contains(language)) {
                return language;
            }
        }
        return null;
    }

    @Override
    public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        throw new UnsupportedOperationException("The language follows the browser or the application's ui_locales.");
    }
}
