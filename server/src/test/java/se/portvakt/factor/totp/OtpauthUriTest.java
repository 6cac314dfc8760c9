package se.portvakt.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** What the QR code on "Set up authenticator app" carries, exactly as authenticator apps read it. */
class OtpauthUriTest {

    private static final TotpSecret SECRET = TotpSecret.parseBase32("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ").orElseThrow();

    @Test
    void itIsGooglesOwnExampleForTheSameIssuerAccountAndKey() {
        // The example in Google's Key Uri Format, character for character.
        assertThat(OtpauthUri.of("ACME Co", "john.doe@email.com", SECRET)).isEqualTo(
                "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
                        + "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void swedishLettersAreUtf8AndEverythingReservedIsEncoded() {
        assertThat(OtpauthUri.of("Företaget & Söner", "åsa+test@company.com", SECRET)).isEqualTo(
                "otpauth://totp/F%C3%B6retaget%20%26%20S%C3%B6ner:%C3%A5sa%2Btest@company.com"
                        + "?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=F%C3%B6retaget%20%26%20S%C3%B6ner"
                        + "&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void aColonInTheAccountIsEncodedSoTheLabelSplitsAtTheIssuer() {
        URI uri = URI.create(OtpauthUri.of("Portvakt", "odd:name@company.com", SECRET));
        assertThat(uri.getRawPath()).isEqualTo("/Portvakt:odd%3Aname@company.com");
        assertThat(uri.getPath()).isEqualTo("/Portvakt:odd:name@company.com");
    }

    @Test
    void itIsAUriThatJavaParsesIntoTheSameParts() {
        URI uri = URI.create(OtpauthUri.of("ACME Co", "john.doe@email.com", SECRET));
        assertThat(uri.getScheme()).isEqualTo("otpauth");
        assertThat(uri.getHost()).isEqualTo("totp");
        assertThat(uri.getPath()).isEqualTo("/ACME Co:john.doe@email.com");
        assertThat(uri.getQuery()).isEqualTo("secret=" + SECRET.base32() + "&issuer=ACME Co&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void theSecretInTheUriIsTheKeyTheServerChecksCodesWith() {
        TotpSecret secret = TotpSecret.generate();
        String query = URI.create(OtpauthUri.of("Portvakt", "erik.lind@company.com", secret)).getQuery();
        String base32 = query.substring("secret=".length(), query.indexOf('&'));
        assertThat(TotpSecret.parseBase32(base32)).contains(secret);
    }

    @Test
    void anIssuerWithAColonIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> OtpauthUri.of("ACME: HR", "a@b.se", SECRET));
    }
}
