package se.portvakt.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import se.portvakt.brand.Brand;
import se.portvakt.brand.Brands;
import se.portvakt.testing.OnH2;
import se.portvakt.testing.OnPostgres;

/**
 * A client's look in the bootstrap file (display-name, logo, accent-color): stored with the client and converging
 * like the rest of the file, and refused at start, naming the client, when the logo is missing, too big or not an
 * SVG or PNG, a URL over plain http, or when the colour is not #rrggbb or too light to read on white.
 */
abstract class BootstrapBrandTest {

    @OnH2
    static class OnEmbeddedDatabase extends BootstrapBrandTest {}

    @OnPostgres
    static class OnPostgreSql extends BootstrapBrandTest {}

    private static final String SVG = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" "
            + "height=\"40\"><rect width=\"40\" height=\"40\" fill=\"#0f766e\"/></svg>\n";

    @Autowired
    BootstrapLoader loader;

    @Autowired
    Brands brands;

    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path dir;

    private final String clientId = "brand-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aLogoBesideTheFileANameAndAColourAreStoredWithTheClient() throws IOException {
        Files.writeString(dir.resolve("logo.svg"), SVG);

        loader.apply(loader.read(file(client("display-name: Flex HRM", "logo: logo.svg", "accent-color: \"#0F766E\""))));

        Brand brand = brands.of(clientId).orElseThrow();
        assertThat(brand.displayName()).isEqualTo("Flex HRM");
        assertThat(brand.logo()).isEqualTo(SVG.getBytes());
        assertThat(brand.logoType()).isEqualTo("svg");
        assertThat(brand.accentColor()).isEqualTo("#0f766e");
        assertThat(brand.logoUrl()).matches("/brand/" + clientId + "/[0-9a-f]{16}\\.svg");
    }

    @Test
    void aPngFromTheClasspathWorksAndTheClientsNameIsTheDefaultDisplayName() throws IOException {
        Files.write(dir.resolve("logo.png"), png());

        loader.apply(loader.read(file(client("logo: logo.png"))));

        Brand brand = brands.of(clientId).orElseThrow();
        assertThat(brand.displayName()).isEqualTo("Brand app");
        assertThat(brand.logoType()).isEqualTo("png");
        assertThat(brand.stylesheetUrl()).isNull();

        loader.apply(loader.read(file(client("logo: classpath:bootstrap/flex-hrm.svg"))));
        assertThat(brands.of(clientId).orElseThrow().logoType()).isEqualTo("svg");
    }

    @Test
    void applyingTheSameLookTwiceWritesNothingAndANewLogoGetsANewUrl() throws IOException {
        Files.writeString(dir.resolve("logo.svg"), SVG);
        String file = file(client("logo: logo.svg", "accent-color: \"#0f766e\""));
        loader.apply(loader.read(file));
        OffsetDateTime written = updatedAt();
        String firstUrl = brands.of(clientId).orElseThrow().logoUrl();

        loader.apply(loader.read(file));
        assertThat(updatedAt()).isEqualTo(written);

        Files.writeString(dir.resolve("logo.svg"), SVG.replace("#0f766e", "#1d4ed8"));
        loader.apply(loader.read(file));
        assertThat(brands.of(clientId).orElseThrow().logoUrl()).isNotEqualTo(firstUrl);
    }

    @Test
    void aClientWhoseLookIsRemovedLooksLikePortvaktAgain() throws IOException {
        loader.apply(loader.read(file(client("accent-color: \"#0f766e\""))));
        assertThat(brands.of(clientId)).isPresent();

        loader.apply(loader.read(file(client())));

        assertThat(brands.of(clientId)).isEmpty();
    }

    @Test
    void theDemoFilesFlexHrmApplicationsHaveTheirOwnLook() throws IOException {
        BootstrapFile demo = loader.read("classpath:bootstrap/demo.yaml");
        List<BootstrapFile.Client> flexHrm = demo.clients().stream().filter(c -> c.id().startsWith("flex-hrm")).toList();

        loader.apply(new BootstrapFile(flexHrm, List.of()));

        assertThat(flexHrm).hasSize(2);
        assertThat(brands.of("flex-hrm").orElseThrow().displayName()).isEqualTo("Flex HRM");
        assertThat(brands.of("flex-hrm-mobile").orElseThrow().displayName()).isEqualTo("Flex HRM Mobile");
        assertThat(brands.of("flex-hrm").orElseThrow().logoType()).isEqualTo("svg");
        assertThat(brands.of("flex-hrm").orElseThrow().accentColor()).isEqualTo("#0f766e");
    }

    @Test
    void aMissingLogoIsRefusedNamingTheClient() throws IOException {
        String file = file(client("logo: no-such-logo.svg"));
        assertThatThrownBy(() -> loader.apply(loader.read(file)))
                .hasMessageContaining(clientId).hasMessageContaining("no-such-logo.svg").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> loader.apply(loader.read(file(client("logo: classpath:bootstrap/missing.svg")))))
                .hasMessageContaining(clientId).hasMessageContaining("does not exist");
    }

    @Test
    void aLogoOver20KbIsRefusedNamingTheClient() throws IOException {
        byte[] big = (SVG.replace("</svg>", "<!--" + "x".repeat(20 * 1024) + "--></svg>")).getBytes();
        Files.write(dir.resolve("big.svg"), big);

        assertThatThrownBy(() -> loader.apply(loader.read(file(client("logo: big.svg")))))
                .hasMessageContaining(clientId).hasMessageContaining("big.svg").hasMessageContaining("larger than 20 KB");
        assertThat(brands.of(clientId)).isEmpty();
    }

    @Test
    void aLogoOfAnotherTypeIsRefusedNamingTheClient() throws IOException {
        Files.write(dir.resolve("logo.gif"), "GIF89a\u0001\u0000\u0001\u0000".getBytes());
        Files.write(dir.resolve("fake.svg"), png());
        Files.writeString(dir.resolve("page.svg"), "<html><body>not an image</body></html>");

        for (String logo : new String[] {"logo.gif", "fake.svg", "page.svg"}) {
            assertThatThrownBy(() -> loader.apply(loader.read(file(client("logo: " + logo)))))
                    .as(logo).hasMessageContaining(clientId).hasMessageContaining("must be an SVG (.svg) or PNG (.png)");
        }
    }

    @Test
    void aLogoUrlOverPlainHttpIsRefusedByDefaultNamingTheClient() {
        // Nothing listens on port 9 (discard): the refusal comes before any connection.
        String url = "http://127.0.0.1:9/logo.svg";

        assertThatThrownBy(() -> loader.apply(loader.read(file(client("logo: " + url)))))
                .hasMessageStartingWith("bootstrap client " + clientId + ": logo " + url + " is not https")
                .hasMessageContaining("portvakt.brand.allow-http-logos");
        assertThat(brands.of(clientId)).isEmpty();
    }

    @Test
    void anAccentColourThatIsNotRrggbbIsRefusedNamingTheClient() {
        for (String color : new String[] {"red", "\"#12345\"", "\"#12345g\"", "\"rgb(0,0,0)\""}) {
            assertThatThrownBy(() -> loader.apply(loader.read(file(client("accent-color: " + color)))))
                    .as(color).hasMessageContaining(clientId).hasMessageContaining("#rrggbb");
        }
    }

    @Test
    void anAccentColourTooLightToReadOnWhiteIsRefusedNamingTheClient() throws IOException {
        // #767676 is the lightest grey with 4.5:1 on white; #777777 is just under.
        assertThatThrownBy(() -> loader.apply(loader.read(file(client("accent-color: \"#777777\"")))))
                .hasMessageContaining(clientId).hasMessageContaining("contrast of 4.48:1").hasMessageContaining("4.5:1");
        assertThatThrownBy(() -> loader.apply(loader.read(file(client("accent-color: \"#ffcc00\"")))))
                .hasMessageContaining(clientId).hasMessageContaining("contrast");

        loader.apply(loader.read(file(client("accent-color: \"#767676\""))));
        assertThat(brands.of(clientId).orElseThrow().accentColor()).isEqualTo("#767676");
    }

    private OffsetDateTime updatedAt() {
        return jdbc.sql("SELECT updated_at FROM client_brand WHERE client_id = :c").param("c", clientId)
                .query(OffsetDateTime.class).single();
    }

    private String client(String... lookLines) {
        return """
                clients:
                  - id: %s
                    name: Brand app
                    type: web
                    secret: brand-secret
                    redirect-uris: [http://localhost:9999/callback]
                    scopes: [openid, email]
                """.formatted(clientId) + String.join("", Arrays.stream(lookLines).map(l -> "    " + l + "\n").toList());
    }

    private String file(String yaml) throws IOException {
        Path path = dir.resolve("bootstrap.yaml");
        Files.writeString(path, yaml);
        return "file:" + path;
    }

    /** A one-pixel PNG. */
    private static byte[] png() {
        return java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");
    }
}
