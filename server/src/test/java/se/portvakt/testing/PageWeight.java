package se.portvakt.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a page cost the browser: the requests it made and the bytes it transferred, counted from Chrome's DevTools
 * network events until the network has been quiet for a moment after the page loaded (the favicon comes late).
 */
public record PageWeight(List<String> requests, Map<String, Long> bytesByUrl, Set<String> pending) {

    private static final long QUIET_MILLIS = 750;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Forgets what the browser fetched so far, so that the next {@link #of} counts only what follows. */
    public static void reset(Browser browser) {
        browser.devToolsEvents();
    }

    /** Counts what the browser fetched since the last {@link #reset}, waiting at most 10 seconds for quiet. */
    public static PageWeight of(Browser browser) throws InterruptedException {
        Map<String, Long> bytesByUrl = new LinkedHashMap<>();
        Map<String, String> urlById = new LinkedHashMap<>();
        Set<String> pending = new HashSet<>();
        List<String> requests = new ArrayList<>();
        long quietSince = System.currentTimeMillis();
        long deadline = quietSince + 10_000;
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
        return new PageWeight(requests, bytesByUrl, pending);
    }

    /** All bytes transferred. */
    public long bytes() {
        return bytesByUrl.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Prints the totals and each URL's bytes, so a run's log shows where the weight is. */
    public void print(String what, int maxRequests, long maxBytes) {
        System.out.printf("Page weight of %s: %d requests, %,d bytes transferred (%.1f KB); budget %d requests, %d KB%n",
                what, requests.size(), bytes(), bytes() / 1024.0, maxRequests, maxBytes / 1024);
        bytesByUrl.forEach((url, size) -> System.out.printf("  %,7d bytes  %s%n", size, url.replaceFirst("\\?.*", "?...")));
    }
}
