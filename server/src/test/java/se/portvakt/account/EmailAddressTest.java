package se.portvakt.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** What a person may type as an email address, and what the sign-in keeps of it. */
class EmailAddressTest {

    @Test
    void anOrdinaryAddressIsKeptLowerCased() {
        assertThat(EmailAddress.parse("Anna.Svensson@Company.COM")).contains(new EmailAddress("anna.svensson@company.com"));
        assertThat(EmailAddress.parse("anna+hr@mail.company.se").orElseThrow().value()).isEqualTo("anna+hr@mail.company.se");
    }

    @Test
    void surroundingSpaceIsForgiven() {
        assertThat(EmailAddress.parse("  anna@company.com \t").orElseThrow().value()).isEqualTo("anna@company.com");
    }

    @Test
    void malformedAddressesAreRefused() {
        for (String typed : new String[] {null, "", " ", "anna", "anna@", "@company.com", "anna@company",
                "anna@@company.com", "an na@company.com", "anna@company..com", "anna@.company.com", "anna@company.com.",
                "a@b@company.com"}) {
            assertThat(EmailAddress.parse(typed)).as("«%s»", typed).isEmpty();
        }
    }

    @Test
    void overlongAddressesAreRefused() {
        assertThat(EmailAddress.parse("a".repeat(64) + "@company.com")).isPresent();
        assertThat(EmailAddress.parse("a".repeat(65) + "@company.com")).isEmpty();
        assertThat(EmailAddress.parse("a@" + "b".repeat(250) + ".se")).isEmpty();
        assertThat(EmailAddress.parse("x".repeat(10_000))).isEmpty();
    }

    @Test
    void internationalAddressesAreAccepted() {
        assertThat(EmailAddress.parse("åsa@företag.se")).isPresent();
    }

    @Test
    void theConstructorRefusesWhatParseRefuses() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EmailAddress("not an address"));
        assertThatIllegalArgumentException().isThrownBy(() -> new EmailAddress(null));
    }
}
