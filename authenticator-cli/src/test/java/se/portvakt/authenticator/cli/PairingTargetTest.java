package se.portvakt.authenticator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** Reading what a person gives to pair: the QR code's link, or the code typed by hand with the server. */
class PairingTargetTest {

    @Test
    void theLinkCarriesTheIssuerAndTheCode() {
        PairingTarget target = PairingTarget.parse("https://id.example.com/authenticator/#pair=ABCDEFGHJKLM", null);

        assertThat(target.issuer()).isEqualTo(URI.create("https://id.example.com"));
        assertThat(target.code()).isEqualTo("ABCDEFGHJKLM");
        assertThat(target.displayed()).isEqualTo("ABCD-EFGH-JKLM");
    }

    @Test
    void anIssuerWithAPathAndAPortIsKept() {
        PairingTarget target = PairingTarget.parse(
                "  http://127.0.0.1:8080/sso/portvakt/authenticator/#pair=ZYXW-VUTS-RQPN ", null);

        assertThat(target.issuer()).isEqualTo(URI.create("http://127.0.0.1:8080/sso/portvakt"));
        assertThat(target.code()).isEqualTo("ZYXWVUTSRQPN");
    }

    @Test
    void aTypedCodeIsReadWithoutCaseSpacesOrDashes() {
        PairingTarget target = PairingTarget.parse("abcd-efgh jklm", URI.create("https://id.example.com/"));

        assertThat(target.issuer()).isEqualTo(URI.create("https://id.example.com"));
        assertThat(target.code()).isEqualTo("ABCDEFGHJKLM");
    }

    @Test
    void aTypedCodeNeedsTheServer() {
        assertThatThrownBy(() -> PairingTarget.parse("ABCD-EFGH-JKLM", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--server");
    }

    @Test
    void aServerBesideALinkMustBeTheLinks() {
        assertThat(PairingTarget.parse("https://id.example.com/authenticator/#pair=ABCDEFGHJKLM",
                URI.create("https://id.example.com/")).issuer()).isEqualTo(URI.create("https://id.example.com"));
        assertThatThrownBy(() -> PairingTarget.parse("https://evil.example/authenticator/#pair=ABCDEFGHJKLM",
                URI.create("https://id.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("evil.example");
    }

    @Test
    void codesOutsideTheAlphabetOrOfTheWrongLengthAreRefusedBeforeAnyCall() {
        URI server = URI.create("https://id.example.com");
        for (String bad : new String[] {"ABCD-EFGH-JKL", "ABCD-EFGH-JKLMN", "ABCD-EFGH-JKL0", "OBCD-EFGH-JKLM",
                "ABCD-EFGH-JKL1", "ABCD_EFGH_JKLM", ""}) {
            assertThatThrownBy(() -> PairingTarget.parse(bad, server)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a pairing code");
        }
    }

    @Test
    void linksThatAreNotPairingLinksAreRefused() {
        for (String bad : new String[] {"https://id.example.com/authenticator/",
                "https://id.example.com/authenticator/#code=ABCDEFGHJKLM",
                "https://id.example.com/elsewhere/#pair=ABCDEFGHJKLM",
                "https://id.example.com/authenticator/?x=1#pair=ABCDEFGHJKLM",
                "ftp://id.example.com/authenticator/#pair=ABCDEFGHJKLM",
                "https://id example.com/authenticator/#pair=ABCDEFGHJKLM"}) {
            assertThatThrownBy(() -> PairingTarget.parse(bad, null)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aServerAddressMustBeHttpWithAHost() {
        assertThatThrownBy(() -> PairingTarget.parse("ABCDEFGHJKLM", URI.create("id.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a server address");
        assertThatThrownBy(() -> PairingTarget.parse("ABCDEFGHJKLM", URI.create("https://id.example.com/#x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a server address");
    }
}
