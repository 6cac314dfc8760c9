package se.portvakt.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.FlashMapManager;

/**
 * No flash attributes: Spring MVC's default keeps them in the HTTP session and looks for them at every request, which
 * for a browser with a session cookie is a session read from the database, also for a stylesheet or a script.
 * Portvakt uses none (its pages carry their state in the sign-in flow), so that read is saved, and while the
 * database is away the pages' stylesheet and scripts are still served. A flash attribute added later fails loudly.
 */
@Component("flashMapManager")
class NoFlashMaps implements FlashMapManager {

    @Override
    public FlashMap retrieveAndUpdate(HttpServletRequest request, HttpServletResponse response) {
        return null;
    }

    @Override
    public void saveOutputFlashMap(FlashMap flashMap, HttpServletRequest request, HttpServletResponse response) {
        if (!flashMap.isEmpty()) {
            throw new IllegalStateException("Flash attributes are not kept (NoFlashMaps): carry the state otherwise");
        }
    }
}
