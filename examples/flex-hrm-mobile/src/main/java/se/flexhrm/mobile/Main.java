package se.flexhrm.mobile;

import java.io.PrintStream;

/**
 * The command: {@code java -jar flex-hrm-mobile.jar [--issuer URL] [--no-browser] ...} ({@link Options#USAGE}).
 * Exit codes: 0 signed in, 1 the sign-in failed or was cancelled, 2 wrong usage. The person sees what went wrong in
 * a sentence, never a stack trace.
 */
public final class Main {

    static final int SIGNED_IN = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String PROGRAM = "flex-hrm-mobile";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.println();
            err.print(Options.USAGE);
            return USAGE;
        }
        if (options.help()) {
            out.print(Options.USAGE);
            return SIGNED_IN;
        }
        try {
            new NativeSignIn(options, out).run();
            return SIGNED_IN;
        } catch (SignInFailed e) {
            err.println(PROGRAM + ": " + e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            // A bug or an answer nobody foresaw: one line to report, not a trace to scare the person.
            err.println(PROGRAM + ": something unexpected happened: " + Terminal.safe(String.valueOf(e)));
            return FAILED;
        }
    }
}
