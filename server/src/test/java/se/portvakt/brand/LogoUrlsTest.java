package se.portvakt.brand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A logo given as a URL, fetched from a real web server on 127.0.0.1: an SVG or PNG served as one is taken; plain
 * http (unless allowed), a redirect, an error, a wrong type, bytes that are not what the type says, a body over
 * 20 KB (stopped after 20 KB, not read to its end) and an answer that does not come in time are each refused with a
 * message naming the client and the URL.
 */
class LogoUrlsTest {

    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private final ImageHost host = new ImageHost();
    private final LogoUrls urls = new LogoUrls(true, Duration.ofSeconds(2), Duration.ofSeconds(2));

    @AfterEach
    void stopHost() {
        host.close();
    }

    @Test
    void anSvgOrPngServedAsOneIsFetched() {
        LogoUrls.Fetched svg = urls.fetch("hr", host.url("/logo.svg"));
        assertThat(svg.type()).isEqualTo("svg");
        assertThat(svg.bytes()).isEqualTo(ImageHost.SVG.getBytes());

        host.answers(host.image("image/png", PNG));
        LogoUrls.Fetched png = urls.fetch("hr", host.url("/logo?size=40"));
        assertThat(png.type()).isEqualTo("png");
        assertThat(png.bytes()).isEqualTo(PNG);

        host.answers(host.image("Image/SVG+XML; charset=utf-8", ImageHost.SVG.getBytes()));
        assertThat(urls.fetch("hr", host.url("/logo")).type()).isEqualTo("svg");
    }

    @Test
    void plainHttpIsRefusedUnlessAllowedAndNothingIsAsked() {
        LogoUrls byDefault = new LogoUrls(false);

        assertThatThrownBy(() -> byDefault.fetch("hr", host.url("/logo.svg")))
                .hasMessageStartingWith("client hr: logo " + host.url("/logo.svg"))
                .hasMessageContaining("is not https").hasMessageContaining("portvakt.brand.allow-http-logos");
        assertThat(host.requests()).isZero();
    }

    @Test
    void aUrlThatIsNotHttpsOrCarriesAPasswordIsRefused() {
        assertThatThrownBy(() -> urls.fetch("hr", "https:logo.svg")).hasMessageContaining("client hr")
                .hasMessageContaining("is not an https: URL with a host");
        assertThatThrownBy(() -> urls.fetch("hr", "https://user:secret@images.example.com/logo.svg"))
                .hasMessageContaining("client hr").hasMessageContaining("must not carry a user name or password")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aRedirectIsNotFollowed() {
        try (ImageHost elsewhere = new ImageHost()) {
            host.answers(ImageHost.redirect(elsewhere.url("/internal/logo.svg")));

            assertThatThrownBy(() -> urls.fetch("hr", host.url("/logo.svg")))
                    .hasMessageContaining("client hr: logo " + host.url("/logo.svg"))
                    .hasMessageContaining("HTTP 302, a redirect to " + elsewhere.url("/internal/logo.svg"))
                    .hasMessageContaining("follows no redirects");
            assertThat(elsewhere.requests()).isZero();
        }
    }

    @Test
    void anErrorIsRefused() {
        host.answers(ImageHost.status(404));

        assertThatThrownBy(() -> urls.fetch("hr", host.url("/gone.svg")))
                .hasMessage("client hr: logo " + host.url("/gone.svg") + " could not be fetched: HTTP 404");
    }

    @Test
    void anUnreachableHostIsRefused() {
        String url = host.url("/logo.svg");
        host.close();

        assertThatThrownBy(() -> urls.fetch("hr", url))
                .hasMessageStartingWith("client hr: logo " + url + " could not be fetched: ");
    }

    @Test
    void anotherTypeIsRefusedWithoutReadingIt() {
        host.answers(host.image("text/html", "<svg></svg>".getBytes()));

        assertThatThrownBy(() -> urls.fetch("hr", host.url("/logo.svg")))
                .hasMessageContaining("client hr: logo " + host.url("/logo.svg"))
                .hasMessageContaining("is served as text/html, not image/svg+xml or image/png");
    }

    @Test
    void bytesThatAreNotWhatTheTypeSaysAreRefused() {
        host.answers(host.image("image/svg+xml", "<html><body>not an image</body></html>".getBytes()));
        assertThatThrownBy(() -> urls.fetch("hr", host.url("/logo.svg")))
                .hasMessageContaining("client hr: logo " + host.url("/logo.svg"))
                .hasMessageContaining("must be an SVG (.svg) or PNG (.png) image");

        host.answers(host.image("image/png", ImageHost.SVG.getBytes()));
        assertThatThrownBy(() -> urls.fetch("hr", host.url("/logo.png")))
                .hasMessageContaining("must be an SVG (.svg) or PNG (.png) image");
    }

    @Test
    void aLogoOver20KbIsRefusedAfterReading20KbNotAllOfIt() {
        byte[] big = ImageHost.SVG.replace("</svg>", "<!--" + "x".repeat(20 * 1024) + "--></svg>").getBytes();
        host.answers(host.image("image/svg+xml", big));
        assertThatThrownBy(() -> urls.fetch("hr", host.url("/big.svg")))
                .hasMessageContaining("client hr: logo " + host.url("/big.svg"))
                .hasMessageContaining("is larger than 20 KB");

        host.answers(host.endlessSvg());
        long before = host.bytesSent();
        assertThatThrownBy(() -> urls.fetch("hr", host.url("/endless.svg")))
                .hasMessageContaining("client hr: logo " + host.url("/endless.svg"))
                .hasMessageContaining("is larger than 20 KB");
        // The sender's socket buffers take some more before it notices; what matters is that it stops far short.
        assertThat(host.bytesSent() - before).isLessThan(5_000_000);
    }

    @Test
    void anAnswerThatDoesNotComeInTimeIsRefused() {
        host.answers(ImageHost.stalling());
        long started = System.nanoTime();

        assertThatThrownBy(() -> urls.fetch("hr", host.url("/slow.svg")))
                .hasMessage("client hr: logo " + host.url("/slow.svg") + " did not arrive within 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
}
