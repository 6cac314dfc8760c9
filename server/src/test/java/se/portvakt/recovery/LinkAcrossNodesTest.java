package se.portvakt.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.Race;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;
import se.portvakt.testing.TwoNodes;

/**
 * The cluster journey's recovery link (issue 14): two nodes on one PostgreSQL database serving one issuer, every
 * browser request going to the other node than the one before. A link asked for across the nodes (the screen on
 * one, the proof-of-work challenge from the other) and mailed by either is opened on one node and pressed on the
 * other; twenty browsers pressing it at once, ten on each node, sign in once.
 */
class LinkAcrossNodesTest {

    private static final int BROWSERS = 20;

    @Test
    void aLinkMailedThroughOneNodeSignsInOnceWhenTwentyBrowsersPressItOnBoth() throws Exception {
        try (TwoNodes cluster = TwoNodes.start()) {
            TestServer a = cluster.a();
            String[] nodes = cluster.nodes();
            Account person = TestPeople.account(a.bean(AccountStore.class), "link.two.nodes", null);
            HttpAgent asker = cluster.browser();
            String link = new Mailbox(a.bean(JdbcClient.class)).askAndAwait(asker, person.email().value(), "link");
            assertThat(asker.served()).containsExactly(nodes[0], nodes[1], nodes[0]);

            List<HttpAgent> browsers = new ArrayList<>();
            for (int i = 0; i < BROWSERS; i++) {
                HttpAgent browser = i % 2 == 0 ? cluster.browser() : cluster.browserFromB();
                assertThat(browser.get(link).statusCode()).isEqualTo(200);
                browsers.add(browser);
            }
            List<HttpResponse<String>> answers = Race.post(browsers, "/recovery/link",
                    Map.of("token", Mailbox.token(link)));

            assertThat(browsers).allSatisfy(browser -> assertThat(browser.served().get(1))
                    .as("pressed on the other node than the one that showed the page")
                    .isNotEqualTo(browser.served().get(0)));
            assertThat(browsers.stream().map(browser -> browser.served().get(1))).filteredOn(nodes[0]::equals)
                    .hasSize(BROWSERS / 2);
            assertThat(answers).filteredOn(HttpAgent::isRedirect).hasSize(1);
            assertThat(answers).filteredOn(answer -> answer.body().contains("This link no longer works"))
                    .hasSize(BROWSERS - 1);
            assertThat(a.bean(JdbcClient.class).sql("""
                    SELECT count(*) FROM audit_event
                    WHERE account_id = :a AND event_type = 'recovery.link.used' AND outcome = 'success'
                    """).param("a", person.id()).query(Integer.class).single()).isEqualTo(1);
        }
    }
}
