import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples for bench/profile.sh (run with the JDK's source launcher:
 * {@code java bench/JfrSummary.java recording.jfr [from-ISO-instant to-ISO-instant] [operations]}).
 *
 * <p>Prints, for the jdk.ExecutionSample events in the window (Java code running on a CPU): the share of samples
 * by area of the innermost non-JDK frame ("self", where the time is spent, JDK frames charged to their caller),
 * the share by area anywhere in the stack ("inclusive": a sample counts once for every area on its stack), the
 * hottest methods (innermost frame) and the hottest non-JDK methods; for jdk.NativeMethodSample (threads in
 * native code, on a CPU or waiting) the Java method that called native code; and jdk.ObjectAllocationSample by
 * class (sampled weight). With the number of operations in the window, every share also comes as samples per
 * operation.
 */
public class JfrSummary {

    /** Areas in order: the first whose predicate matches a frame's class name names it. */
    static final Map<String, Predicate<String>> AREAS = new LinkedHashMap<>();
    static {
        AREAS.put("Argon2 (argon2-jvm, JNA)", c -> c.startsWith("de.mkammerer.argon2") || c.startsWith("com.sun.jna"));
        AREAS.put("Thymeleaf", c -> c.startsWith("org.thymeleaf") || c.startsWith("org.attoparser")
                || c.startsWith("org.unbescape") || c.startsWith("ognl") || c.startsWith("org.springframework.expression"));
        AREAS.put("H2", c -> c.startsWith("org.h2"));
        AREAS.put("Spring Session", c -> c.startsWith("org.springframework.session"));
        AREAS.put("Spring JDBC, Hikari, transactions", c -> c.startsWith("org.springframework.jdbc")
                || c.startsWith("com.zaxxer.hikari") || c.startsWith("org.springframework.transaction")
                || c.startsWith("java.sql"));
        AREAS.put("Flyway", c -> c.startsWith("org.flywaydb"));
        AREAS.put("Jackson", c -> c.startsWith("com.fasterxml.jackson") || c.startsWith("tools.jackson"));
        AREAS.put("Nimbus JOSE, JWT", c -> c.startsWith("com.nimbusds"));
        AREAS.put("JDK crypto (RSA, EC, SHA, SecureRandom)", c -> c.startsWith("sun.security")
                || c.startsWith("java.security") || c.startsWith("javax.crypto") || c.startsWith("com.sun.crypto")
                || c.startsWith("java.math.BigInteger") || c.startsWith("java.math.MutableBigInteger"));
        AREAS.put("Java serialization", c -> c.startsWith("java.io.ObjectInputStream")
                || c.startsWith("java.io.ObjectOutputStream") || c.startsWith("java.io.ObjectStreamClass"));
        AREAS.put("logging (Logback, SLF4J)", c -> c.startsWith("ch.qos.logback") || c.startsWith("org.slf4j")
                || c.startsWith("org.apache.logging"));
        AREAS.put("Micrometer", c -> c.startsWith("io.micrometer"));
        AREAS.put("Spring Authorization Server", c -> c.startsWith("org.springframework.security.oauth2"));
        AREAS.put("Spring Security", c -> c.startsWith("org.springframework.security"));
        AREAS.put("Spring MVC, web", c -> c.startsWith("org.springframework.web") || c.startsWith("org.springframework.http"));
        AREAS.put("Spring other", c -> c.startsWith("org.springframework"));
        AREAS.put("Tomcat", c -> c.startsWith("org.apache.catalina") || c.startsWith("org.apache.coyote")
                || c.startsWith("org.apache.tomcat") || c.startsWith("jakarta.servlet"));
        AREAS.put("Portvakt (se.portvakt)", c -> c.startsWith("se.portvakt"));
        AREAS.put("JDK", JfrSummary::jdk);
        AREAS.put("other", c -> true);
    }

    static boolean jdk(String c) {
        return c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun.")
                || c.startsWith("com.sun.") || c.startsWith("org.w3c.") || c.startsWith("org.xml.");
    }

    static String area(String className) {
        for (var e : AREAS.entrySet()) {
            if (e.getValue().test(className)) {
                return e.getKey();
            }
        }
        return "other";
    }

    static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    static String name0(RecordedEvent e) {
        var frames = e.getStackTrace().getFrames();
        return frames.isEmpty() ? "" : name(frames.get(0));
    }

    /** The kind of request a stack serves, from its outermost matching frame. */
    static final Map<String, String> KINDS = new LinkedHashMap<>();
    static {
        KINDS.put("OAuth2TokenEndpointFilter", "token endpoint (code exchange, client credentials)");
        KINDS.put("OAuth2AuthorizationEndpointFilter", "authorization endpoint (/oauth2/authorize)");
        KINDS.put("SignInController.show", "sign-in pages shown (GET)");
        KINDS.put("SignInController.submit", "sign-in forms posted (POST: email, password, the 2FA prompt)");
        KINDS.put("SignInController", "sign-in controller, other");
        KINDS.put("ThymeleafView.render", "a page rendered (Thymeleaf)");
        KINDS.put("se.portvakt.", "other Portvakt code");
        KINDS.put("org.apache.catalina", "other request work (filters, Tomcat)");
        KINDS.put("org.apache.tomcat", "Tomcat's network threads");
    }

    static String kind(List<RecordedFrame> frames) {
        for (var k : KINDS.entrySet()) {
            for (int i = frames.size() - 1; i >= 0; i--) {
                if (name(frames.get(i)).contains(k.getKey())) {
                    return k.getValue();
                }
            }
        }
        return "other threads";
    }

    public static void main(String[] args) throws Exception {
        Instant from = args.length >= 3 ? Instant.parse(args[1]) : Instant.MIN;
        Instant to = args.length >= 3 ? Instant.parse(args[2]) : Instant.MAX;
        long ops = args.length >= 4 ? Long.parseLong(args[3]) : 0;
        // Extra inclusive markers: a sample counts when any frame's "class.method" contains the text.
        Map<String, String> markers = new LinkedHashMap<>();
        markers.put("the password check (PasswordHasher, Argon2)", "se.portvakt.password.");
        markers.put("Thymeleaf rendering", "org.thymeleaf.");
        markers.put("H2 (any statement)", "org.h2.");
        markers.put("JDBC via Spring (JdbcTemplate, JdbcClient)", "org.springframework.jdbc.");
        markers.put("Spring Session's JDBC repository (load, save, find by principal)", "session.jdbc.JdbcIndexedSessionRepository");
        markers.put("the sign-in flow's rows (SignInFlowStore)", "se.portvakt.signin.flow.SignInFlowStore");
        markers.put("authorization rows (se.portvakt.oidc.Authorizations)", "se.portvakt.oidc.Authorizations");
        markers.put("the code spent once (GrantsSpentOnce)", "se.portvakt.oidc.GrantsSpentOnce");
        markers.put("browser sessions for the ID token's sid (BrowserSessions)", "se.portvakt.oidc.BrowserSessions");
        markers.put("the audit log (AuditLog.record)", "se.portvakt.audit.AuditLog");
        markers.put("client authentication (OAuth2ClientAuthenticationFilter)", "OAuth2ClientAuthenticationFilter");
        markers.put("client secret limits (ClientSecretAttempts)", "se.portvakt.oidc.ClientSecretAttempts");
        markers.put("client secret check (ClientSecretEncoder: cache, Argon2id)", "se.portvakt.client.ClientSecretEncoder");
        markers.put("registered client read (findByClientId)", ".findByClientId");
        markers.put("the client-credentials grant (OAuth2ClientCredentialsAuthenticationProvider)", "OAuth2ClientCredentialsAuthenticationProvider");
        markers.put("token generation (JwtGenerator)", "token.JwtGenerator");
        markers.put("the token's claims (TokenClaims)", "se.portvakt.oidc.TokenClaims");
        markers.put("the token response written (access token response handler)", "AccessTokenResponse");
        markers.put("Spring Session's filter (SessionRepositoryFilter)", "SessionRepositoryFilter");
        markers.put("rate limits (AttemptLimiter)", "se.portvakt.ratelimit.");
        markers.put("Java serialization (session attributes)", "java.io.Object");
        markers.put("Jackson", "jackson.");
        markers.put("JWT signing/encoding (Nimbus, NimbusJwtEncoder)", "com.nimbusds.");
        markers.put("RSA/EC signature", "sun.security.rsa.");
        markers.put("EC signature", "sun.security.ec.");
        markers.put("SecureRandom", "SecureRandom");
        markers.put("logging", "ch.qos.logback.");
        markers.put("Micrometer", "io.micrometer.");
        markers.put("Spring Security filter chain", "org.springframework.security.web.FilterChainProxy");
        markers.put("Spring Authorization Server", "org.springframework.security.oauth2.server.authorization.");
        markers.put("Spring MVC DispatcherServlet", "org.springframework.web.servlet.DispatcherServlet");
        markers.put("transactions (TransactionTemplate/@Transactional)", "org.springframework.transaction.");
        markers.put("Hikari connection pool", "com.zaxxer.hikari.");
        markers.put("Portvakt code (se.portvakt)", "se.portvakt.");
        markers.put("Tomcat request parsing/writing (coyote)", "org.apache.coyote.");

        long samples = 0;
        Map<String, Long> selfArea = new TreeMap<>();
        Map<String, Long> inclArea = new TreeMap<>();
        Map<String, Long> inclMarker = new LinkedHashMap<>();
        Map<String, Long> topMethod = new TreeMap<>();
        Map<String, Long> topOwn = new TreeMap<>();
        Map<String, Long> portvaktIncl = new TreeMap<>();
        Map<String, Long> thread = new TreeMap<>();
        long nativeSamples = 0;
        Map<String, Long> nativeCaller = new TreeMap<>();
        Map<String, Long> allocByClass = new TreeMap<>();
        long allocTotal = 0;
        long gcs = 0;
        long gcPauseNanos = 0;

        var seen = new java.util.HashSet<String>();
        Map<String, Long> kind = new TreeMap<>();
        try (var file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                Instant t = e.getStartTime();
                if (t.isBefore(from) || t.isAfter(to)) {
                    continue;
                }
                String type = e.getEventType().getName();
                if (type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample")
                        || type.equals("jdk.ObjectAllocationSample") || type.equals("jdk.GarbageCollection")) {
                    // A file that holds a chunk twice (two dumps into one file) would count its events twice.
                    var th = type.equals("jdk.GarbageCollection") ? null
                            : e.getThread(type.equals("jdk.ObjectAllocationSample") ? "eventThread" : "sampledThread");
                    String key = type + "|" + t + "|" + (th == null ? e.getLong("gcId") : th.getId()) + "|"
                            + (e.getStackTrace() == null ? "" : e.getStackTrace().getFrames().size() + name0(e));
                    if (!seen.add(key)) {
                        continue;
                    }
                }
                switch (type) {
                    case "jdk.ExecutionSample" -> {
                        RecordedStackTrace st = e.getStackTrace();
                        if (st == null || st.getFrames().isEmpty()) {
                            continue;
                        }
                        samples++;
                        var t0 = e.getThread("sampledThread");
                        thread.merge(t0 == null ? "?" : t0.getJavaName().replaceAll("-\\d+$", "-N"), 1L, Long::sum);
                        List<RecordedFrame> frames = st.getFrames();
                        topMethod.merge(name(frames.get(0)), 1L, Long::sum);
                        // self: the innermost frame that is not plain JDK (crypto and serialization count as
                        // their own areas although they are JDK classes)
                        String selfAreaName = "JDK";
                        for (RecordedFrame f : frames) {
                            String a = area(f.getMethod().getType().getName());
                            if (!a.equals("JDK")) {
                                selfAreaName = a;
                                topOwn.merge(name(f), 1L, Long::sum);
                                break;
                            }
                        }
                        selfArea.merge(selfAreaName, 1L, Long::sum);
                        kind.merge(kind(frames), 1L, Long::sum);
                        var seenAreas = new java.util.HashSet<String>();
                        var seenMarkers = new java.util.HashSet<String>();
                        var seenPv = new java.util.HashSet<String>();
                        for (RecordedFrame f : frames) {
                            String c = f.getMethod().getType().getName();
                            String n = name(f);
                            seenAreas.add(area(c));
                            for (var m : markers.entrySet()) {
                                if (n.contains(m.getValue())) {
                                    seenMarkers.add(m.getKey());
                                }
                            }
                            if (c.startsWith("se.portvakt.")) {
                                seenPv.add(n);
                            }
                        }
                        seenAreas.forEach(a -> inclArea.merge(a, 1L, Long::sum));
                        seenMarkers.forEach(m -> inclMarker.merge(m, 1L, Long::sum));
                        seenPv.forEach(m -> portvaktIncl.merge(m, 1L, Long::sum));
                    }
                    case "jdk.NativeMethodSample" -> {
                        RecordedStackTrace st = e.getStackTrace();
                        if (st == null || st.getFrames().isEmpty()) {
                            continue;
                        }
                        nativeSamples++;
                        String caller = name(st.getFrames().get(0));
                        int pv = 0;
                        for (RecordedFrame f : st.getFrames()) {
                            if (f.getMethod().getType().getName().startsWith("se.portvakt.") && !name(f).contains("lambda$")
                                    && !name(f).contains("$$") && pv++ < 4) {
                                caller = caller + " <- " + name(f).replace("se.portvakt.", "");
                            }
                        }
                        nativeCaller.merge(caller, 1L, Long::sum);
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        long w = e.getLong("weight");
                        allocTotal += w;
                        allocByClass.merge(e.getClass("objectClass").getName(), w, Long::sum);
                    }
                    case "jdk.GarbageCollection" -> {
                        gcs++;
                        gcPauseNanos += e.getDuration().toNanos();
                    }
                    default -> { }
                }
            }
        }

        String perOp = ops > 0 ? ", per operation" : "";
        System.out.printf("window %s .. %s; %d execution samples (Java code on a CPU)%s%n", from, to, samples,
                ops > 0 ? ", " + ops + " operations: " + String.format("%.2f", (double) samples / ops) + " samples each" : "");
        final long all = samples;
        java.util.function.BiConsumer<String, Map<String, Long>> table = (title, m) -> {
            System.out.println();
            System.out.println(title);
            m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
                    .forEach(x -> System.out.printf("  %6d  %5.1f %%%s  %s%n", x.getValue(), 100.0 * x.getValue() / all,
                            ops > 0 ? String.format("  %5.2f/op", (double) x.getValue() / ops) : "", x.getKey()));
        };
        table.accept("== by area of the innermost non-JDK frame (self; JDK crypto and serialization as their own areas)", selfArea);
        table.accept("== by area anywhere in the stack (inclusive; a sample counts once per area)", inclArea);
        table.accept("== by what is anywhere in the stack (inclusive)", inclMarker);
        table.accept("== by the kind of request (outermost matching frame)", kind);
        table.accept("== top 25 methods (innermost frame)", topMethod);
        table.accept("== top 25 non-JDK methods (innermost non-JDK frame)", topOwn);
        table.accept("== top 25 Portvakt methods anywhere in the stack (inclusive)", portvaktIncl);
        table.accept("== by thread", thread);
        System.out.println();
        System.out.printf("== native method samples (threads in native code: on a CPU or waiting): %d; by the method that called it%n", nativeSamples);
        nativeCaller.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(x -> System.out.printf("  %6d  %s%n", x.getValue(), x.getKey()));
        System.out.println();
        System.out.printf("== allocation by class (jdk.ObjectAllocationSample weight): %.0f MB in the window%s%n",
                allocTotal / 1e6, ops > 0 ? String.format(", %.2f MB per operation", allocTotal / 1e6 / ops) : "");
        final long allocAll = allocTotal;
        allocByClass.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                .forEach(x -> System.out.printf("  %8.1f MB  %5.1f %%  %s%n", x.getValue() / 1e6,
                        100.0 * x.getValue() / allocAll, x.getKey()));
        System.out.println();
        System.out.printf("== garbage collections: %d, %.0f ms of pauses in the window%s%n", gcs, gcPauseNanos / 1e6,
                ops > 0 ? String.format(" (%.2f ms per operation)", gcPauseNanos / 1e6 / ops) : "");
    }
}
