package se.portvakt.authenticator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import se.portvakt.authenticator.cli.Arguments.UsageError;

/**
 * The command line: {@code java -jar portvakt-authenticator.jar COMMAND}, each command one call or two of
 * {@link Authenticator}, its outcome printed in words. Exit codes: 0 done, 1 refused, denied or failed, 2 usage.
 */
public final class Main {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    private static final String PROGRAM = "portvakt-authenticator";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")
            .withZone(ZoneId.systemDefault());

    private static final String HELP = """
            Portvakt Authenticator (command line): approve sign-ins to Portvakt from a terminal.

            Usage: java -jar portvakt-authenticator.jar [--state FILE] COMMAND [OPTIONS]

            Commands:
              pair LINK-OR-CODE [--server URL] [--name NAME]     add an account (the QR code's link, or the code)
              list                                                the accounts on this device
              pending [--account EMAIL]                           sign-in requests waiting for you
              approve [--account EMAIL] [--request ID] --number N approve with the number your browser shows
              deny [--account EMAIL] [--request ID]               deny a request
              report [--account EMAIL] [--request ID]             "This wasn't me": deny and report it
              remove --account EMAIL [--local]                    unpair the account from this device
              watch [--account EMAIL] [--interval SECONDS]        print new requests as they come
              help [COMMAND]                                      this text, or a command's

            State file: --state FILE, else $PORTVAKT_AUTHENTICATOR_STATE,
                        else ~/.config/portvakt-authenticator/accounts.json (it holds private keys: keep it private)
            Exit codes: 0 done, 1 refused, denied or failed, 2 wrong usage.
            """;

    private static final Map<String, String> COMMAND_HELP = Map.of(
            "pair", """
                    Usage: pair LINK-OR-CODE [--server URL] [--name NAME]

                    Adds an account. In the browser, Portvakt shows a QR code and a pairing code (XXXX-XXXX-XXXX),
                    valid for 2 minutes. Give the QR code's link ({issuer}/authenticator/#pair=CODE), or the code
                    with --server (the Portvakt address, e.g. https://id.example.com).
                      --name NAME   how your account's list of devices names this one (default: the host name)
                    """,
            "list", """
                    Usage: list

                    The accounts on this device: email, server, device name and id.
                    """,
            "pending", """
                    Usage: pending [--account EMAIL]

                    Sign-in requests waiting for your approval: application, address, time, the three numbers
                    and the request id. Without --account, those of every account.
                    """,
            "approve", """
                    Usage: approve [--account EMAIL] [--request ID] --number N

                    Approves a sign-in with the number your browser shows. Without --request, the only waiting
                    request. A wrong number denies the sign-in.
                    """,
            "deny", """
                    Usage: deny [--account EMAIL] [--request ID]

                    Denies a sign-in. Without --request, the only waiting request.
                    """,
            "report", """
                    Usage: report [--account EMAIL] [--request ID]

                    "This wasn't me": denies the sign-in and reports it. Portvakt pauses push approvals for the
                    account and mails you. Without --request, the only waiting request.
                    """,
            "remove", """
                    Usage: remove --account EMAIL [--local]

                    Unpairs: asks the server to forget this device, then forgets the account here.
                      --local   forget it here only, without asking the server (for a server that is gone)
                    """,
            "watch", """
                    Usage: watch [--account EMAIL] [--interval SECONDS]

                    Asks for waiting requests every 2 seconds (or SECONDS) and prints each new one. Ctrl-C stops.
                    """,
            "help", """
                    Usage: help [COMMAND]
                    """);

    private final Authenticator authenticator;
    private final PrintStream out;
    private final PrintStream err;

    private Main(Authenticator authenticator, PrintStream out, PrintStream err) {
        this.authenticator = authenticator;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err, System.getenv()));
    }

    /** Runs one command line and returns its exit code; never throws. */
    static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> environment) {
        String command = null;
        try {
            Arguments arguments = Arguments.parse(args);
            List<String> words = arguments.words();
            command = words.isEmpty() ? null : words.get(0);
            if (command == null || command.equals("help")) {
                String topic = words.size() > 1 ? words.get(1) : null;
                boolean asked = command != null || arguments.flag("help");
                (asked ? out : err).print(topic == null ? HELP : COMMAND_HELP.getOrDefault(topic, HELP));
                return asked ? OK : USAGE;
            }
            if (!COMMAND_HELP.containsKey(command)) {
                throw new UsageError("Unknown command " + command + ".");
            }
            if (arguments.flag("help")) {
                out.print(COMMAND_HELP.get(command));
                return OK;
            }
            Authenticator authenticator = new Authenticator(arguments.option("state").map(Path::of)
                    .orElseGet(() -> Authenticator.defaultStateFile(environment)));
            return new Main(authenticator, out, err).command(command, arguments);
        } catch (UsageError e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.println("See: " + PROGRAM + " " + (command == null || !COMMAND_HELP.containsKey(command)
                    ? "--help" : command + " --help"));
            return USAGE;
        } catch (Failed e) {
            err.println(e.getMessage());
            return REFUSED;
        } catch (RuntimeException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            return REFUSED;
        }
    }

    private int command(String command, Arguments arguments) {
        List<String> words = arguments.words();
        int expectedWords = command.equals("pair") ? 2 : 1;
        if (words.size() != expectedWords) {
            throw new UsageError(command.equals("pair") ? "pair needs one link or code."
                    : command + " takes no words besides options: " + String.join(" ", words.subList(1, words.size())));
        }
        return switch (command) {
            case "pair" -> pair(arguments);
            case "list" -> list(arguments);
            case "pending" -> pending(arguments);
            case "approve" -> approve(arguments);
            case "deny" -> deny(arguments);
            case "report" -> report(arguments);
            case "remove" -> remove(arguments);
            case "watch" -> watch(arguments);
            default -> throw new UsageError("Unknown command " + command + ".");
        };
    }

    private int pair(Arguments arguments) {
        arguments.allow("pair", Set.of("server", "name"));
        PairingTarget target;
        try {
            URI server = arguments.option("server").map(PairingTarget::issuer).orElse(null);
            target = PairingTarget.parse(arguments.words().get(1), server);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        String name = arguments.option("name").map(String::strip).orElseGet(Main::hostName);
        if (name.isEmpty()) {
            throw new UsageError("--name must not be empty.");
        }
        Outcome outcome = authenticator.pair(target, name, Optional.empty());
        if (outcome instanceof Outcome.Paired paired) {
            Account account = paired.account();
            out.println("Paired " + account.email() + " at " + account.issuer() + " as \"" + account.name()
                    + "\" (device " + account.device() + ").");
            out.println("When you sign in, approve with: " + PROGRAM + " approve --number N");
            return OK;
        }
        if (outcome instanceof Outcome.Refused refused && refused.error().equals("invalid_code")) {
            throw new Failed("The pairing code is unknown, expired or used. Show a new one in the browser.");
        }
        if (outcome instanceof Outcome.Refused refused && refused.error().equals("slow_down")) {
            throw new Failed("Too many wrong pairing codes from here. Wait a while, then try again.");
        }
        throw new Failed(describe(outcome, null));
    }

    private int list(Arguments arguments) {
        arguments.allow("list", Set.of());
        List<Account> accounts = authenticator.accounts();
        if (accounts.isEmpty()) {
            out.println("No accounts. Add one with: " + PROGRAM + " pair LINK-OR-CODE");
        }
        for (Account account : accounts) {
            out.println(account.email() + "  " + account.issuer() + "  \"" + account.name() + "\"  device "
                    + account.device() + "  paired " + TIME.format(account.pairedAt())
                    + (account.removed() ? "  REMOVED by the server (found " + TIME.format(account.removedAt())
                            + "); pair again or: " + PROGRAM + " remove --account " + account.email() : ""));
        }
        return OK;
    }

    private int pending(Arguments arguments) {
        arguments.allow("pending", Set.of("account"));
        List<Waiting> waiting = new ArrayList<>();
        boolean failed = askEach(active(arguments), waiting);
        for (Waiting each : waiting) {
            print(each);
        }
        if (waiting.isEmpty() && !failed) {
            out.println("No sign-in requests are waiting.");
        } else if (!waiting.isEmpty()) {
            out.println("Approve with: " + PROGRAM + " approve --number N"
                    + (waiting.size() > 1 ? " --request ID" : ""));
        }
        return failed ? REFUSED : OK;
    }

    private int approve(Arguments arguments) {
        arguments.allow("approve", Set.of("account", "request", "number"));
        String typed = arguments.option("number")
                .orElseThrow(() -> new UsageError("approve needs --number N, the number your browser shows."));
        int number;
        try {
            number = Integer.parseInt(typed.strip());
        } catch (NumberFormatException e) {
            throw new UsageError("--number must be a number, not \"" + typed + "\".");
        }
        Waiting target = target(arguments);
        if (target.request() != null && !target.request().typeNumber()
                && !target.request().numbers().contains(number)) {
            throw new UsageError(number + " is not one of this request's numbers ("
                    + target.request().numbers().stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + "). Look at your browser again.");
        }
        Outcome outcome = authenticator.approve(target.account(), target.id(), number);
        if (outcome instanceof Outcome.Approved) {
            out.println("Approved. The sign-in goes on in the browser.");
            return OK;
        }
        throw new Failed(describe(outcome, target.account()));
    }

    private int deny(Arguments arguments) {
        arguments.allow("deny", Set.of("account", "request"));
        Waiting target = target(arguments);
        Outcome outcome = authenticator.deny(target.account(), target.id());
        if (outcome instanceof Outcome.Denied) {
            out.println("Denied. If this wasn't you: " + PROGRAM + " report --account " + target.account().email()
                    + " --request " + target.id());
            return OK;
        }
        throw new Failed(describe(outcome, target.account()));
    }

    private int report(Arguments arguments) {
        arguments.allow("report", Set.of("account", "request"));
        Waiting target = target(arguments);
        Outcome denial = authenticator.deny(target.account(), target.id());
        if (!(denial instanceof Outcome.Denied || denial instanceof Outcome.Decided
                || denial instanceof Outcome.Expired)) {
            throw new Failed(describe(denial, target.account()));
        }
        Outcome outcome = authenticator.report(target.account(), target.id());
        if (outcome instanceof Outcome.Reported) {
            out.println("Denied and reported. Push approvals are paused for " + target.account().email()
                    + " and you will get a mail. Change your password if someone else knows it.");
            return OK;
        }
        throw new Failed(describe(outcome, target.account()));
    }

    private int remove(Arguments arguments) {
        arguments.allow("remove", Set.of("account", "local"));
        String email = arguments.option("account")
                .orElseThrow(() -> new UsageError("remove needs --account EMAIL (see: " + PROGRAM + " list)."));
        List<Account> matching = authenticator.accounts().stream()
                .filter(account -> account.email().equalsIgnoreCase(email)).toList();
        if (matching.isEmpty()) {
            throw new UsageError("No account " + email + " here (see: " + PROGRAM + " list).");
        }
        int result = OK;
        for (Account account : matching) {
            if (arguments.flag("local")) {
                authenticator.forget(account);
                out.println("Forgot " + account.email() + " at " + account.issuer()
                        + " here. The server still lists the device until you remove it there.");
                continue;
            }
            Outcome outcome = authenticator.remove(account);
            if (outcome instanceof Outcome.Done) {
                out.println("Removed " + account.email() + " at " + account.issuer()
                        + ": the server and this device forgot the key.");
            } else if (outcome instanceof Outcome.DeviceRemoved) {
                out.println("Removed " + account.email() + " at " + account.issuer()
                        + " here; the server had removed the device already.");
            } else {
                err.println(describe(outcome, account));
                err.println("Kept the account. To forget it here anyway: " + PROGRAM + " remove --account "
                        + account.email() + " --local");
                result = REFUSED;
            }
        }
        return result;
    }

    private int watch(Arguments arguments) {
        arguments.allow("watch", Set.of("account", "interval"));
        Duration interval = arguments.option("interval").map(Main::seconds).orElse(Duration.ofSeconds(2));
        active(arguments);
        Set<String> shown = new HashSet<>();
        Map<String, String> problems = new HashMap<>();
        out.println("Watching for sign-in requests every " + interval.toSeconds() + " s; Ctrl-C stops.");
        while (!Thread.currentThread().isInterrupted()) {
            List<Account> accounts = chosen(arguments).stream().filter(account -> !account.removed()).toList();
            if (accounts.isEmpty()) {
                throw new Failed("No paired account is left to watch.");
            }
            for (Account account : accounts) {
                Outcome outcome = authenticator.pending(account);
                String key = account.issuer() + " " + account.email();
                if (outcome instanceof Outcome.Requests requests) {
                    if (problems.remove(key) != null) {
                        out.println("Reached " + account.issuer() + " again.");
                    }
                    for (PendingRequest request : requests.requests()) {
                        if (shown.add(key + " " + request.id())) {
                            print(new Waiting(account, request.id(), request));
                            out.println("Approve with: " + PROGRAM + " approve --account " + account.email()
                                    + " --request " + request.id() + " --number N");
                        }
                    }
                } else {
                    String problem = describe(outcome, account);
                    if (!problem.equals(problems.put(key, problem))) {
                        err.println(problem);
                    }
                }
            }
            out.flush();
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return OK;
    }

    /** A request found for an account; {@code request} is {@code null} when named by id only. */
    private record Waiting(Account account, String id, PendingRequest request) {}

    /** The one request the command is about: the one named, or the only one waiting. */
    private Waiting target(Arguments arguments) {
        List<Account> accounts = active(arguments);
        List<Waiting> waiting = new ArrayList<>();
        askEach(accounts, waiting);
        Optional<String> id = arguments.option("request");
        if (id.isPresent()) {
            List<Waiting> named = waiting.stream().filter(each -> each.id().equals(id.get())).toList();
            if (named.size() == 1) {
                return named.get(0);
            }
            if (accounts.size() == 1) {
                return new Waiting(accounts.get(0), id.get(), null);
            }
            throw new UsageError("Request " + id.get() + " is not waiting; name its account with --account EMAIL.");
        }
        if (waiting.size() == 1) {
            return waiting.get(0);
        }
        if (waiting.isEmpty()) {
            throw new Failed("No sign-in request is waiting.");
        }
        for (Waiting each : waiting) {
            print(each);
        }
        throw new UsageError("Several requests are waiting: name one with --request ID.");
    }

    /** Asks each account for its requests; says what failed and returns whether anything did. */
    private boolean askEach(List<Account> accounts, List<Waiting> waiting) {
        boolean failed = false;
        for (Account account : accounts) {
            Outcome outcome = authenticator.pending(account);
            if (outcome instanceof Outcome.Requests requests) {
                requests.requests().forEach(request -> waiting.add(new Waiting(account, request.id(), request)));
            } else {
                err.println(describe(outcome, account));
                failed = true;
            }
        }
        return failed;
    }

    /** The accounts named by {@code --account} (all without it), the removed ones left out, at least one. */
    private List<Account> active(Arguments arguments) {
        List<Account> chosen = chosen(arguments);
        List<Account> active = chosen.stream().filter(account -> !account.removed()).toList();
        if (active.isEmpty()) {
            throw new Failed(chosen.stream().map(account -> describe(new Outcome.DeviceRemoved(null), account))
                    .collect(Collectors.joining("\n")));
        }
        return active;
    }

    private List<Account> chosen(Arguments arguments) {
        List<Account> accounts = authenticator.accounts();
        if (accounts.isEmpty()) {
            throw new UsageError("No accounts yet. Add one with: " + PROGRAM + " pair LINK-OR-CODE");
        }
        Optional<String> email = arguments.option("account");
        if (email.isEmpty()) {
            return accounts;
        }
        List<Account> chosen = accounts.stream().filter(account -> account.email().equalsIgnoreCase(email.get()))
                .toList();
        if (chosen.isEmpty()) {
            throw new UsageError("No account " + email.get() + " here (see: " + PROGRAM + " list).");
        }
        return chosen;
    }

    private void print(Waiting waiting) {
        PendingRequest request = waiting.request();
        Instant now = Instant.now();
        long left = Math.max(0, Duration.between(now, request.expiresAt()).toSeconds());
        out.println("Sign-in request " + request.id());
        out.println("  account:     " + waiting.account().email() + " at " + waiting.account().issuer());
        out.println("  application: " + request.application());
        out.println("  from:        " + request.address() + (request.place() == null ? "" : ", " + request.place()));
        out.println("  at:          " + TIME.format(request.createdAt()) + " (expires in " + left + " s)");
        out.println(request.typeNumber() ? "  number:      type the number your browser shows"
                : "  numbers:     " + request.numbers().stream().map(String::valueOf)
                        .collect(Collectors.joining("  ")) + "   (pick the one your browser shows)");
    }

    /** An outcome other than the hoped-for one, in words. */
    private static String describe(Outcome outcome, Account account) {
        String who = account == null ? "" : account.email() + " at " + account.issuer() + ": ";
        return who + words(outcome);
    }

    private static String words(Outcome outcome) {
        if (outcome instanceof Outcome.WrongNumber) {
            return "That was not the browser's number, so the sign-in is denied. "
                    + "If it was you, sign in again and pick the number your browser shows.";
        }
        if (outcome instanceof Outcome.Expired) {
            return "The request has expired. If it was you, sign in again.";
        }
        if (outcome instanceof Outcome.Decided) {
            return "The request was already answered (by another device or earlier).";
        }
        if (outcome instanceof Outcome.DeviceRemoved) {
            return "The server no longer knows this device: it was removed (for example in the account's security"
                    + " settings). This authenticator has forgotten its key; to use it again, pair again.";
        }
        if (outcome instanceof Outcome.Refused refused) {
            return "The server refused (" + refused.status() + " " + refused.error()
                    + (refused.description() == null ? "" : ": " + refused.description()) + ").";
        }
        if (outcome instanceof Outcome.Unreachable unreachable) {
            return "Could not reach the server: " + unreachable.reason();
        }
        return "Unexpected answer: " + outcome + ".";
    }

    private static Duration seconds(String text) {
        try {
            long seconds = Long.parseLong(text.strip());
            if (seconds < 1 || seconds > 3600) {
                throw new UsageError("--interval must be 1 to 3600 seconds.");
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new UsageError("--interval must be a number of seconds, not \"" + text + "\".");
        }
    }

    private static String hostName() {
        try {
            return "Command line on " + InetAddress.getLocalHost().getHostName();
        } catch (IOException | SecurityException e) {
            return "Command line";
        }
    }

    /** A command that ran and was refused, denied or failed: exit code 1 with the message. */
    private static final class Failed extends RuntimeException {

        Failed(String message) {
            super(message, null, false, false);
        }
    }
}
