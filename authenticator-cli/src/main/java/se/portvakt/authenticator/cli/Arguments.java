package se.portvakt.authenticator.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command line read into positional words, options with a value ({@code --name VALUE} or {@code --name=VALUE})
 * and flags; anything unknown is a {@link UsageError}, so a typo never runs a command.
 */
final class Arguments {

    static final Set<String> VALUED = Set.of("state", "server", "name", "account", "request", "number", "interval");
    static final Set<String> FLAGS = Set.of("help", "local");

    private final List<String> words;
    private final Map<String, String> options;

    private Arguments(List<String> words, Map<String, String> options) {
        this.words = List.copyOf(words);
        this.options = options;
    }

    static Arguments parse(List<String> args) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean onlyWords = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (onlyWords || !arg.startsWith("-") || arg.equals("-")) {
                words.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                onlyWords = true;
                continue;
            }
            if (arg.equals("-h")) {
                options.put("help", "");
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageError("Unknown option " + arg + ".");
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (FLAGS.contains(name) && value == null) {
                options.put(name, "");
            } else if (VALUED.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageError("--" + name + " needs a value.");
                    }
                    value = args.get(++i);
                }
                if (options.put(name, value) != null) {
                    throw new UsageError("--" + name + " is given twice.");
                }
            } else {
                throw new UsageError("Unknown option --" + name + ".");
            }
        }
        return new Arguments(words, options);
    }

    /** The words after the options are taken out: the command first. */
    List<String> words() {
        return words;
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    /** Refuses any option the command does not take ({@code --state} and {@code --help} are everyone's). */
    void allow(String command, Set<String> names) {
        for (String given : options.keySet()) {
            if (!names.contains(given) && !given.equals("state") && !given.equals("help")) {
                throw new UsageError(command + " does not take --" + given + ".");
            }
        }
    }

    /** A mistake in the command line: exit code 2 with the message and a pointer to the help. */
    static final class UsageError extends RuntimeException {

        UsageError(String message) {
            super(message, null, false, false);
        }
    }
}
