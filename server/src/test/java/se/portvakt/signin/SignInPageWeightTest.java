package se.portvakt.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import se.portvakt.testing.Browser;
import se.portvakt.testing.OidcClient;
import se.portvakt.testing.OnH2;

/**
 * The first sign-in screen is light: what a cold browser (fresh profile, empty cache) fetches from the
 * application's authorization request until the email screen has finished loading, counted by Chrome's
 * DevTools network events. The budget is the issue's: at most 6 requests and 150 KB transferred (Keycloak's
 * first screen costs 11 requests and 1,970 KB). A size budget, not a timing.
 */
@OnH2
class SignInPageWeightTest {

    private static final int MAX_REQUESTS = 6;
    private static final long MAX_BYTES = 150 * 1024;
    private static final long QUIET_MILLIS = 750;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Browser browser;

    @BeforeAll
    static void startBrowser(@Value("${portvakt.issuer}") String issuer) {
        browser = Browser.start(issuer);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theFirstSignInScreenFitsTheBudgetInAColdBrowser() throws InterruptedException {
        browser.devToolsEvents(); // whatever the empty start page did
        browser.open(OidcClient.web().authorizationUrl());
        browser.waitForPath("/signin");

        Map<String, Long> bytesByUrl = new LinkedHashMap<>();
        Map<String, String> urlById = new LinkedHashMap<>();
        Set<String> pending = new HashSet<>();
        List<String> requests = new ArrayList<>();
        long quietSince = System.currentTimeMillis();
        long deadline = quietSince + 10_000;
        // Collect until the network has been quiet for a moment after the page loaded (the favicon comes late).
        while (System.currentTimeMillis() < deadline) {
            List<String> events = browser.devToolsEvents();
            for (String event : events) {
                JsonNode message = JSON.readTree(event).get("message");
                String method = message.get("method").asString();
                JsonNode params = message.get("params");
                switch (method) {
                    case "Network.requestWillBeSent" -> {
                        String url = params.get("request").get("url").asString();
                        if (!url.startsWith("http")) {
                            continue; // data: URLs cost no request
                        }
                        String id = params.get("requestId").asString();
                        JsonNode redirect = params.get("redirectResponse");
                        if (redirect != null && !redirect.isNull()) {
                            // One requestId carries every hop of a redirect chain: the hop before ends here.
                            bytesByUrl.merge(urlById.get(id), redirect.get("encodedDataLength").asLong(), Long::sum);
                        }
                        urlById.put(id, url);
                        requests.add(url);
                        pending.add(id);
                    }
                    case "Network.loadingFinished" -> {
                        String id = params.get("requestId").asString();
                        if (urlById.containsKey(id)) {
                            bytesByUrl.merge(urlById.get(id), params.get("encodedDataLength").asLong(), Long::sum);
                            pending.remove(id);
                        }
                    }
                    case "Network.loadingFailed" -> pending.remove(params.get("requestId").asString());
                    default -> { }
                }
            }
            boolean loaded = "complete".equals(browser.driver().executeScript("return document.readyState"));
            if (!events.isEmpty() || !pending.isEmpty() || !loaded) {
                quietSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - quietSince >= QUIET_MILLIS) {
                break;
            }
            Thread.sleep(50);
        }

        long bytes = bytesByUrl.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("Page weight of the first sign-in screen, cold browser from the authorization request: "
                + "%d requests, %,d bytes transferred (%.1f KB); budget %d requests, %d KB%n",
                requests.size(), bytes, bytes / 1024.0, MAX_REQUESTS, MAX_BYTES / 1024);
        bytesByUrl.forEach((url, size) -> System.out.printf("  %,7d bytes  %s%n", size, url.replaceFirst("\\?.*", "?...")));

        assertThat(pending).as("requests still open after 10 s").isEmpty();
        assertThat(requests).as("requests: %s", requests).hasSizeLessThanOrEqualTo(MAX_REQUESTS);
        assertThat(bytes).as("bytes transferred").isLessThanOrEqualTo(MAX_BYTES);
        assertThat(requests.get(0)).contains("/oauth2/authorize");
        assertThat(requests).anyMatch(url -> url.contains("/css/portvakt.css"));
    }
}
