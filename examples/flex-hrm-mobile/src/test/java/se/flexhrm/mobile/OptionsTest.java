package se.flexhrm.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void withoutOptionsItSignsInToTheDemoWithTheBrowserAndRefreshes() {
        Options options = Options.parse();
        assertThat(options.issuer()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(options.clientId()).isEqualTo("flex-hrm-mobile");
        assertThat(options.openBrowser()).isTrue();
        assertThat(options.refresh()).isTrue();
        assertThat(options.timeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void readsEachOptionInBothSpellings() {
        Options options = Options.parse("--issuer", "https://id.example.com", "--client-id=other", "--no-browser",
                "--no-refresh", "--timeout=30");
        assertThat(options).isEqualTo(new Options(URI.create("https://id.example.com"), "other", false, false,
                Duration.ofSeconds(30), false));
    }

    @Test
    void saysWhatIsWrong() {
        assertThatThrownBy(() -> Options.parse("--issuer")).hasMessage("--issuer needs a value");
        assertThatThrownBy(() -> Options.parse("--issuer", "ftp://x")).hasMessageContaining("http(s) address");
        assertThatThrownBy(() -> Options.parse("--issuer", "not an address")).hasMessageContaining("not an address");
        assertThatThrownBy(() -> Options.parse("--timeout", "0")).hasMessageContaining("1 to 3600");
        assertThatThrownBy(() -> Options.parse("--timeout", "soon")).hasMessageContaining("number of seconds");
        assertThatThrownBy(() -> Options.parse("--open")).hasMessage("unknown option --open");
    }
}
