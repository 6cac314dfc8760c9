package se.flexhrm.mobile;

import java.awt.Desktop;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The person's own browser (RFC 8252 8.12: never a browser view inside the app, where the app could read the
 * password), through the desktop when Java can reach it, else through the system's opener.
 */
final class SystemBrowser {

    private SystemBrowser() {}

    /** Asks the system to open the address; false when nothing could be asked (the address is printed anyway). */
    static boolean open(URI address) {
        try {
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(address);
                return true;
            }
        } catch (IOException | RuntimeException e) {
            // No desktop after all (headless, no default browser): the system's opener may still work.
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<String> command = os.contains("mac") ? List.of("open", address.toString())
                : os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", address.toString())
                : List.of("xdg-open", address.toString());
        try {
            new ProcessBuilder(command).redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
