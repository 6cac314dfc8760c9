package se.portvakt.bootstrap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import se.portvakt.testing.TestServer;

/** A bootstrap file that the server cannot apply stops the start, with a message that names the entry. */
class BadBootstrapStopsTheStartTest {

    @TempDir
    Path dir;

    @Test
    void aBackChannelLogoutUriThatIsNotAnHttpUrlStopsTheStart() throws IOException {
        Path file = dir.resolve("bootstrap.yaml");
        Files.writeString(file, """
                clients:
                  - id: hr-app
                    type: web
                    secret: hr-app-secret
                    redirect-uris: [https://hr.example.com/callback]
                    backchannel-logout-uri: ftp://hr.example.com/logout
                """);

        assertThatThrownBy(() -> TestServer.onNewH2(Map.of("portvakt.bootstrap", "file:" + file)).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client hr-app: backchannel-logout-uri ftp://hr.example.com/logout must be an"
                        + " absolute http or https URL");
    }
}
