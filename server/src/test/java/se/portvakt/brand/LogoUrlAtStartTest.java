package se.portvakt.brand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import se.portvakt.testing.OidcClient;
import se.portvakt.testing.TestDatabase;
import se.portvakt.testing.TestPeople;
import se.portvakt.testing.TestServer;

/**
 * The operator gives an application's logo as a URL: it is fetched at start, stored, and served by Portvakt under its
 * hash on the application's sign-in page; when the image host is down at the next start, the copy stored at the
 * first is served on; when there is no such copy, the start stops naming the client and the URL.
 */
abstract class LogoUrlAtStartTest {

    static class OnEmbeddedDatabase extends LogoUrlAtStartTest {
        OnEmbeddedDatabase() {
            super(new TestDatabase.H2());
        }
    }

    static class OnPostgreSql extends LogoUrlAtStartTest {
        OnPostgreSql() {
            super(new TestDatabase.Postgres());
        }
    }

    private static final Pattern LOGO = Pattern.compile("<img src=\"(/brand/hosted-logo/[0-9a-f]{16}\\.svg)\"");

    private final TestDatabase database;
    private final String name = TestDatabase.newName();
    private final ImageHost host = new ImageHost();

    @TempDir
    Path dir;

    LogoUrlAtStartTest(TestDatabase database) {
        this.database = database;
    }

    @AfterEach
    void stop() {
        host.close();
        database.drop(name);
    }

    @Test
    void theLogoIsServedFromTheDatabaseAndStillWhenItsUrlIsDownAtTheNextStart() throws IOException {
        String bootstrap = bootstrap(host.url("/brand/logo.svg"));
        String logoUrl;
        try (TestServer first = TestServer.start(database, name, settings(bootstrap))) {
            logoUrl = logoOnSignInPage(first);
            HttpResponse<String> logo = TestPeople.browser(first.issuer()).get(logoUrl);
            assertThat(logo.statusCode()).isEqualTo(200);
            assertThat(logo.body()).isEqualTo(ImageHost.SVG);
            assertThat(logo.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
            assertThat(logo.headers().firstValue("Cache-Control")).hasValue("max-age=31536000, public, immutable");
        }
        assertThat(host.requests()).as("fetched once, at start; served from the database").isEqualTo(1);

        host.answers(ImageHost.status(503));
        try (TestServer second = TestServer.start(database, name, settings(bootstrap))) {
            assertThat(host.requests()).as("tried again at the second start").isEqualTo(2);
            assertThat(logoOnSignInPage(second)).isEqualTo(logoUrl);
            assertThat(TestPeople.browser(second.issuer()).get(logoUrl).body()).isEqualTo(ImageHost.SVG);
        }
    }

    @Test
    void aLogoUrlThatFailsWithoutAStoredCopyStopsTheStartNamingTheClientAndTheUrl() throws IOException {
        host.answers(ImageHost.status(404));
        String url = host.url("/brand/missing.svg");
        String bootstrap = bootstrap(url);

        assertThatThrownBy(() -> TestServer.start(database, name, settings(bootstrap)).close())
                .hasStackTraceContaining("bootstrap client hosted-logo: logo " + url + " could not be fetched: HTTP 404");
    }

    private static Map<String, String> settings(String bootstrap) {
        return Map.of("portvakt.bootstrap", bootstrap, "portvakt.brand.allow-http-logos", "true");
    }

    private static String logoOnSignInPage(TestServer server) {
        var browser = TestPeople.browser(server.issuer());
        var request = new OidcClient.Request("hosted-logo", "http://localhost:8081/hosted/callback", "openid email");
        HttpResponse<String> identify = browser.follow(browser.get(request.authorizationUrl()));
        assertThat(identify.statusCode()).isEqualTo(200);
        assertThat(identify.body()).contains("Sign in to Hosted Payroll");
        Matcher logo = LOGO.matcher(identify.body());
        assertThat(logo.find()).as("the logo under its hash").isTrue();
        return logo.group(1);
    }

    private String bootstrap(String logoUrl) throws IOException {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, """
                clients:
                  - id: hosted-logo
                    name: Hosted logo app
                    type: web
                    secret: hosted-logo-secret
                    redirect-uris: [http://localhost:8081/hosted/callback]
                    scopes: [openid, email]
                    display-name: Hosted Payroll
                    logo: %s
                """.formatted(logoUrl));
        return "file:" + file;
    }
}
