package se.portvakt.bench;

import java.util.Arrays;

/**
 * Entry point of {@code portvakt-bench.jar}:
 * <pre>
 *   java -jar bench/target/portvakt-bench.jar signin|client-credentials|refresh|push-approval|keycloak-signin [--base URL] [--concurrency N]
 *        [--warmup 10s] [--duration 30s] [--max-ops N]
 *   java -jar bench/target/portvakt-bench.jar jmh [JMH options, e.g. -f 1 -wi 3 -i 5 Argon2]
 * </pre>
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(LoadGenerator.USAGE);
            System.out.println("  or: jmh [JMH options]   (micro-benchmarks: Argon2id, JWT signing RS256/ES256)");
            return;
        }
        if (args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(LoadGenerator.run(args));
    }
}
