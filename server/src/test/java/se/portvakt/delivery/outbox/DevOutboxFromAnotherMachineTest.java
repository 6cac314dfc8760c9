package se.portvakt.delivery.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;

/**
 * The development outbox shows live reset links and codes, so it answers only the developer's own machine: from
 * any other client address (here behind the tests' proxy) every page of it is "not found", as if it were off.
 */
@OnH2
class DevOutboxFromAnotherMachineTest {

    @Value("${portvakt.issuer}")
    String issuer;

    @Autowired
    DevOutbox outbox;

    @Test
    void fromAnotherAddressEveryOutboxPageIsNotFound() {
        long id = storedMail();
        HttpAgent remote = new HttpAgent(issuer).header("X-Forwarded-For", "203.0.113.9");

        for (String path : List.of("/dev/outbox", "/dev/outbox/", "/dev/outbox/" + id, "/dev/outbox/" + id + "/mail")) {
            var answer = remote.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.body()).as(path).doesNotContain("Open the link");
        }
    }

    @Test
    void fromThisMachineTheOutboxIsShown() {
        long id = storedMail();
        HttpAgent local = new HttpAgent(issuer);

        assertThat(local.get("/dev/outbox").statusCode()).isEqualTo(200);
        assertThat(local.get("/dev/outbox/" + id + "/mail").body()).contains("Open the link");
    }

    private long storedMail() {
        outbox.store("email", "remote.reader@example.com", "Reset your password", "Open the link", "<p>Open the link</p>");
        return outbox.latest("email", "remote.reader@example.com").orElseThrow().id();
    }
}
