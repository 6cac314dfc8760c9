package se.portvakt.authenticator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a person uses it: its words, what it prints, and its exit codes (0 done, 1 no, 2 usage). */
class MainTest {

    @TempDir
    Path directory;

    StubPortvakt server;
    Path state;

    /** What one command printed, and its exit code. */
    record Run(int code, String out, String err) {}

    @BeforeEach
    void start() throws IOException {
        server = StubPortvakt.start();
        state = directory.resolve("accounts.json");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(Authenticator.STATE_ENVIRONMENT, state.toString()));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void pair(String email) {
        Run paired = run("pair", server.issuer() + "/authenticator/#pair=" + server.pairingCode(email),
                "--name", "Build agent");
        assertThat(paired.code()).as(paired.err()).isZero();
    }

    @Test
    void pairListApproveTheOnlyRequest() {
        Run paired = run("pair", server.issuer() + "/authenticator/#pair=" + server.pairingCode("erik@example.com"),
                "--name", "Build agent");
        assertThat(paired.code()).as(paired.err()).isZero();
        assertThat(paired.out()).contains("Paired erik@example.com at " + server.issuer(), "\"Build agent\"");

        Run list = run("list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("erik@example.com", server.issuer().toString(), "Build agent");

        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);
        Run pending = run("pending");
        assertThat(pending.code()).isZero();
        assertThat(pending.out()).contains(request.id, "Flex HRM", "192.0.2.7", "41  42  43");

        Run approved = run("approve", "--number", "42");
        assertThat(approved.code()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("Approved");
        assertThat(request.state).isEqualTo("approved");
        assertThat(run("pending").out()).contains("No sign-in requests are waiting.");
    }

    @Test
    void aTypedCodeNeedsTheServer() {
        String code = server.pairingCode("erik@example.com");

        assertThat(run("pair", code).code()).isEqualTo(Main.USAGE);
        assertThat(run("--state", state.toString(), "pair", code, "--server", server.issuer().toString()).code())
                .isZero();
        Run spent = run("pair", code, "--server", server.issuer().toString());
        assertThat(spent.code()).isEqualTo(Main.REFUSED);
        assertThat(spent.err()).contains("unknown, expired or used");
    }

    @Test
    void aNumberThatIsNotOneOfTheThreeIsNotSent() {
        pair("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);

        Run typo = run("approve", "--number", "24");

        assertThat(typo.code()).isEqualTo(Main.USAGE);
        assertThat(typo.err()).contains("41, 42, 43");
        assertThat(request.state).isEqualTo("pending");
        assertThat(server.received("decide")).isEmpty();
    }

    @Test
    void aWrongNumberAmongTheThreeDeniesAndExitsWithOne() {
        pair("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);

        Run wrong = run("approve", "--request", request.id, "--number", "43");

        assertThat(wrong.code()).isEqualTo(Main.REFUSED);
        assertThat(wrong.err()).contains("not the browser's number");
        assertThat(request.state).isEqualTo("denied");
    }

    @Test
    void withTypeNumberTheThreeAreNotShownAndTheTypedNumberIsSent() {
        pair("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, true);

        assertThat(run("pending").out()).contains("type the number").doesNotContain("41  42  43");
        assertThat(run("approve", "--number", "42").code()).isZero();
        assertThat(request.state).isEqualTo("approved");
    }

    @Test
    void severalRequestsNeedTheRequestNamed() {
        pair("erik@example.com");
        pair("anna@example.com");
        StubPortvakt.Request erik = server.signIn("erik@example.com", 42, false);
        StubPortvakt.Request anna = server.signIn("anna@example.com", 17, false);

        Run ambiguous = run("deny");
        assertThat(ambiguous.code()).isEqualTo(Main.USAGE);
        assertThat(ambiguous.err()).contains("--request");

        assertThat(run("deny", "--account", "ANNA@example.com").code()).isZero();
        assertThat(anna.state).isEqualTo("denied");
        assertThat(run("approve", "--request", erik.id, "--number", "42").code()).isZero();
        assertThat(erik.state).isEqualTo("approved");
    }

    @Test
    void reportDeniesFirstThenReports() {
        pair("erik@example.com");
        StubPortvakt.Request request = server.signIn("erik@example.com", 42, false);

        Run reported = run("report");

        assertThat(reported.code()).as(reported.err()).isZero();
        assertThat(request.state).isEqualTo("denied");
        assertThat(request.reported).isTrue();
        assertThat(reported.out()).contains("reported");
    }

    @Test
    void nothingWaitingIsExitOne() {
        pair("erik@example.com");

        Run approve = run("approve", "--number", "42");

        assertThat(approve.code()).isEqualTo(Main.REFUSED);
        assertThat(approve.err()).contains("No sign-in request is waiting.");
    }

    @Test
    void aDeviceRemovedByTheServerIsSaidAndRemembered() {
        pair("erik@example.com");
        Account account = new Authenticator(state).accounts().get(0);
        server.removeDevice(account.device());

        Run pending = run("pending");

        assertThat(pending.code()).isEqualTo(Main.REFUSED);
        assertThat(pending.err()).contains("no longer knows this device");
        assertThat(run("list").out()).contains("REMOVED by the server");
        assertThat(run("remove", "--account", "erik@example.com").code()).isZero();
        assertThat(run("list").out()).contains("No accounts.");
    }

    @Test
    void removeUnpairs() {
        pair("erik@example.com");

        Run removed = run("remove", "--account", "erik@example.com");

        assertThat(removed.code()).as(removed.err()).isZero();
        assertThat(server.received("remove")).hasSize(1);
        assertThat(new Authenticator(state).accounts()).isEmpty();
        assertThat(run("remove", "--account", "erik@example.com").code()).isEqualTo(Main.USAGE);
    }

    @Test
    void anUnreachableServerKeepsTheAccountUnlessForgottenLocally() {
        pair("erik@example.com");
        server.close();

        Run removed = run("remove", "--account", "erik@example.com");
        assertThat(removed.code()).isEqualTo(Main.REFUSED);
        assertThat(removed.err()).contains("Could not reach the server", "--local");
        assertThat(new Authenticator(state).accounts()).hasSize(1);

        assertThat(run("remove", "--account", "erik@example.com", "--local").code()).isZero();
        assertThat(new Authenticator(state).accounts()).isEmpty();
    }

    @Test
    void mistakesAreUsageErrorsWithAPointerToTheHelp() {
        for (String[] wrong : new String[][] {{}, {"frob"}, {"list", "--number", "3"}, {"approve"},
                {"approve", "--number", "forty"}, {"pair"}, {"pair", "a", "b"}, {"pending", "--bogus"},
                {"remove"}, {"watch", "--interval", "0"}, {"pending", "--account"}}) {
            Run run = run(wrong);
            assertThat(run.code()).as(String.join(" ", wrong)).isEqualTo(Main.USAGE);
            assertThat(run.err()).as(String.join(" ", wrong)).isNotBlank();
        }
        assertThat(run("--help").code()).isZero();
        assertThat(run("approve", "--help").out()).contains("--number N");
        assertThat(run("help", "pair").out()).contains("LINK-OR-CODE");
    }

    @Test
    void watchPrintsEachNewRequestOnce() throws Exception {
        pair("erik@example.com");
        StubPortvakt.Request first = server.signIn("erik@example.com", 42, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> codes = new ArrayList<>();
        Thread watching = new Thread(() -> codes.add(Main.run(List.of("watch", "--interval", "1"),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                Map.of(Authenticator.STATE_ENVIRONMENT, state.toString()))));
        watching.start();
        try {
            TimeUnit.MILLISECONDS.sleep(1500);
            StubPortvakt.Request second = server.signIn("erik@example.com", 17, false);
            TimeUnit.MILLISECONDS.sleep(1500);

            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(printed.split("Sign-in request " + first.id, -1)).hasSize(2);
            assertThat(printed).contains("Sign-in request " + second.id);
        } finally {
            watching.interrupt();
            watching.join(5000);
        }
        assertThat(codes).containsExactly(Main.OK);
    }
}
