package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The browser and system named on My account come from the User-Agent headers that real browsers send. */
class BrowserAndSystemTest {

    @ParameterizedTest(name = "{1} on {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 | Chrome | Windows
            Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86 | Edge | Windows
            Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0 | Opera | Windows
            Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 | Firefox | Linux
            Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15 | Safari | macOS
            Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0 | Firefox | macOS
            Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1 | Safari | iOS
            Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1 | Chrome | iOS
            Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15 | Firefox | iPadOS
            Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 | Chrome | Android
            Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36 | Samsung Internet | Android
            Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 | Chrome | ChromeOS
            Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36 | Chrome | Linux
            Java-http-client/17.0.13 | - | -
            curl/8.5.0 | - | -
            Mozilla/5.0 (Windows NT 10.0; Win64; x64) SomeApp/1.0 | - | Windows
            """)
    void readsTheCommonBrowsers(String userAgent, String browser, String system) {
        assertThat(BrowserAndSystem.of(userAgent)).isEqualTo(new BrowserAndSystem(browser, system));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            Chrome  | Windows | account.device.both    | 2
            Chrome  | -       | account.device.browser | 1
            -       | Windows | account.device.system  | 1
            -       | -       | account.device.unknown | 0
            """)
    void saysWhatItKnowsAndNoMore(String browser, String system, String key, int names) {
        BrowserAndSystem read = new BrowserAndSystem(browser, system);
        assertThat(read.messageKey()).isEqualTo(key);
        assertThat(read.arguments()).hasSize(names);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''
            Version/1.0 (something)
            """)
    void nothingRecognisedIsNothingNamed(String userAgent) {
        assertThat(BrowserAndSystem.of(userAgent)).isEqualTo(new BrowserAndSystem(null, null));
        assertThat(BrowserAndSystem.of(null)).isEqualTo(new BrowserAndSystem(null, null));
    }
}
