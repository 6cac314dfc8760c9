package se.portvakt.config;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import se.portvakt.captcha.CaptchaWidget;

/**
 * The training run of the production start's JDK AOT cache ({@code scripts/production-start.sh}): with
 * {@code -Dportvakt.training-run=true} the application starts as usual on a free port, sends itself a few
 * rounds of the first requests a server sees, and exits. The JVM then stores the classes (and method profiles)
 * of the whole start and of the request path in the cache, not only those of the context refresh.
 *
 * <p>The requests leave nothing that matters behind: they sign nobody in, name no real client or account, and
 * write only what an anonymous visitor's would (a session and an unfinished sign-in, both expiring).
 */
public final class TrainingRun {

    static final String PROPERTY = "portvakt.training-run";
    private static final int ROUNDS = 20;
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, Integer> answers = new TreeMap<>();
    private final String base;
    private final String management;

    TrainingRun(String base, String management) {
        this.base = base;
        this.management = management;
    }

    /** When the system property asks for a training run, makes this start one. */
    public static void runIfAsked(SpringApplication application) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        application.addListeners(new ApplicationListener<ApplicationEvent>() {
            @Override
            public void onApplicationEvent(ApplicationEvent event) {
                if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
                    onFreePorts(prepared.getEnvironment());
                } else if (event instanceof AvailabilityChangeEvent<?> change
                        && change.getState() == ReadinessState.ACCEPTING_TRAFFIC
                        && change.getSource() instanceof ConfigurableApplicationContext context) {
                    // Not at ApplicationReadyEvent: the node answers 503 until it accepts traffic, just after.
                    new Thread(() -> trainAndExit(context), "training-run").start();
                }
            }
        });
    }

    /** A production server may be running on the configured ports while its successor trains. */
    private static void onFreePorts(ConfigurableEnvironment environment) {
        Map<String, Object> ports = new HashMap<>(Map.of("server.port", "0"));
        if (environment.getProperty("management.server.port", Integer.class, -1) > 0) {
            ports.put("management.server.port", "0");
        }
        environment.getPropertySources().addFirst(new MapPropertySource("training-run", ports));
    }

    private static void trainAndExit(ConfigurableApplicationContext context) {
        var environment = context.getEnvironment();
        String port = environment.getRequiredProperty("local.server.port");
        String managementPort = environment.getProperty("local.management.port", port);
        var run = new TrainingRun("http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort);
        try {
            log.info("Training run done: {} rounds, answers by request and status {}", ROUNDS, run.train(ROUNDS));
        } catch (IOException | RuntimeException e) {
            log.warn("Training run stopped early; the cache covers what ran", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(SpringApplication.exit(context));
    }

    /** Sends the requests {@code rounds} times; answers how often each request got each status. */
    Map<String, Integer> train(int rounds) throws IOException, InterruptedException {
        for (int round = 0; round < rounds; round++) {
            round();
        }
        return answers;
    }

    private void round() throws IOException, InterruptedException {
        get(management + "/actuator/health/readiness");
        get(base + "/.well-known/openid-configuration");
        get(base + "/oauth2/jwks");
        get(base + "/oauth2/authorize?response_type=code&client_id=training-run&scope=openid"
                + "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&code_challenge_method=S256"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        String page = get(base + "/signin");
        get(base + "/css/portvakt.css");
        get(base + "/js/captcha.js");
        get(base + CaptchaWidget.CHALLENGE_PATH);
        Matcher csrf = CSRF.matcher(page);
        if (csrf.find()) {
            post(base + "/signin", null, Map.of("_csrf", csrf.group(1), "email", "training-run@portvakt.invalid"));
            get(base + "/signin/password");
        }
        String basic = Base64.getEncoder().encodeToString("training-run:not-a-secret".getBytes(StandardCharsets.UTF_8));
        post(base + "/oauth2/token", "Basic " + basic, Map.of("grant_type", "client_credentials"));
        get(management + "/actuator/prometheus");
    }

    private String get(String url) throws IOException, InterruptedException {
        return send("GET", HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private void post(String url, String authorization, Map<String, String> form) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&")
                .append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        var request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        send("POST", request.build());
    }

    private String send(String method, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        answers.merge(method + " " + request.uri().getPath() + " " + response.statusCode(), 1, Integer::sum);
        return response.body();
    }
}
