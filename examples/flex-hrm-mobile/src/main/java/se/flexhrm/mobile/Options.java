package se.flexhrm.mobile;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * What the command was asked to do: which provider and client, whether to open the browser and to refresh, and how
 * long to wait for the person in the browser.
 */
record Options(URI issuer, String clientId, boolean openBrowser, boolean refresh, Duration timeout, boolean help) {

    static final String USAGE = """
            Flex HRM Mobile: signs in the way a phone app does (RFC 8252), in a terminal.

            Usage: java -jar flex-hrm-mobile.jar [OPTIONS]

              --issuer URL        the identity provider (default http://localhost:8080)
              --client-id ID      the native client registered there (default flex-hrm-mobile)
              --no-browser        only print the sign-in address, do not open the browser
              --no-refresh        stop after the sign-in (by default the command refreshes twice, showing the
                                  refresh token rotated each time)
              --timeout SECONDS   how long to wait for the browser to come back (default 300)
              --help              this text

            Exit codes: 0 signed in, 1 the sign-in failed or was cancelled, 2 wrong usage.
            """;

    static final URI DEFAULT_ISSUER = URI.create("http://localhost:8080");
    static final String DEFAULT_CLIENT_ID = "flex-hrm-mobile";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** Reads the command line; a mistake is an {@link IllegalArgumentException} whose message says which. */
    static Options parse(String... args) {
        URI issuer = DEFAULT_ISSUER;
        String clientId = DEFAULT_CLIENT_ID;
        boolean openBrowser = true;
        boolean refresh = true;
        Duration timeout = DEFAULT_TIMEOUT;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--issuer" -> {
                    String value = value(args, i, arg);
                    issuer = issuer(value);
                    i += arg.contains("=") ? 0 : 1;
                }
                case "--client-id" -> {
                    clientId = value(args, i, arg);
                    i += arg.contains("=") ? 0 : 1;
                }
                case "--timeout" -> {
                    timeout = seconds(value(args, i, arg));
                    i += arg.contains("=") ? 0 : 1;
                }
                case "--no-browser" -> openBrowser = false;
                case "--browser" -> openBrowser = true;
                case "--no-refresh" -> refresh = false;
                case "--refresh" -> refresh = true;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return new Options(issuer, clientId, openBrowser, refresh, timeout, help);
    }

    /** The value of {@code --name=value} or of {@code --name value}. */
    private static String value(String[] args, int i, String arg) {
        if (arg.contains("=")) {
            return arg.substring(arg.indexOf('=') + 1);
        }
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new IllegalArgumentException(arg + " needs a value");
        }
        return args[i + 1];
    }

    private static URI issuer(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("--issuer must be an http(s) address, such as " + DEFAULT_ISSUER);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--issuer is not an address: " + value);
        }
    }

    private static Duration seconds(String value) {
        try {
            long seconds = Long.parseLong(value);
            if (seconds < 1 || seconds > 3600) {
                throw new IllegalArgumentException("--timeout must be 1 to 3600 seconds");
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--timeout must be a number of seconds");
        }
    }
}
