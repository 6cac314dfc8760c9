package se.portvakt.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.FlashMapManager;
import org.springframework.web.servlet.support.SessionFlashMapManager;

/**
 * Flash attributes only on My account's pages. Spring MVC's default keeps them in the HTTP session and looks for them
 * at every request, which for a browser with a session cookie is a session read from the database, also for a
 * stylesheet or a script. The sign-in carries its state in its flow and needs none; My account's pages say "signed
 * out of 2 other browsers" once after a redirect, and those requests read the session anyway. Everywhere else the
 * read is saved, so while the database is away the pages' stylesheet and scripts are still served; a flash attribute
 * added elsewhere fails loudly.
 */
@Component("flashMapManager")
class AccountFlashMaps implements FlashMapManager {

    private static final String ACCOUNT_PAGES = "/account";

    private final SessionFlashMapManager inSession = new SessionFlashMapManager();

    @Override
    public FlashMap retrieveAndUpdate(HttpServletRequest request, HttpServletResponse response) {
        return onAccountPage(request) ? inSession.retrieveAndUpdate(request, response) : null;
    }

    @Override
    public void saveOutputFlashMap(FlashMap flashMap, HttpServletRequest request, HttpServletResponse response) {
        if (flashMap.isEmpty()) {
            return;
        }
        if (!onAccountPage(request)) {
            throw new IllegalStateException("Flash attributes are kept on My account's pages only (AccountFlashMaps)");
        }
        inSession.saveOutputFlashMap(flashMap, request, response);
    }

    private static boolean onAccountPage(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals(ACCOUNT_PAGES) || path.startsWith(ACCOUNT_PAGES + "/");
    }
}
