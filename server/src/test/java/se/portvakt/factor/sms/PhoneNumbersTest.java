package se.portvakt.factor.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Phone numbers as people type them become E.164, with Sweden (+46) as the default country. */
class PhoneNumbersTest {

    @Test
    void aSwedishMobileTypedNationallyBecomesE164() {
        assertThat(PhoneNumbers.parse("SE", "070-123 45 67")).contains("+46701234567");
        assertThat(PhoneNumbers.parse(null, "0701234567")).as("Sweden by default").contains("+46701234567");
    }

    @Test
    void anInternationalNumberIgnoresTheChosenCountry() {
        assertThat(PhoneNumbers.parse("SE", "+47 412 34 567")).contains("+4741234567");
        assertThat(PhoneNumbers.parse("NO", "412 34 567")).contains("+4741234567");
    }

    @Test
    void numbersThatCannotReceiveTextsAreRefused() {
        assertThat(PhoneNumbers.parse("SE", "08-123 456 78")).as("a Stockholm landline").isEmpty();
        assertThat(PhoneNumbers.parse("SE", "070 123")).as("too short").isEmpty();
        assertThat(PhoneNumbers.parse("SE", "not a number")).isEmpty();
        assertThat(PhoneNumbers.parse("SE", "")).isEmpty();
        assertThat(PhoneNumbers.parse("SE", "+" + "9".repeat(60))).isEmpty();
        assertThat(PhoneNumbers.parse("XX", "0701234567")).as("an unknown country falls back to Sweden").contains("+46701234567");
    }

    @Test
    void aMaskedNumberShowsOnlyTheCountryAndTheLastTwoDigits() {
        assertThat(PhoneNumbers.masked("+46701234567")).isEqualTo("+46\u00a0•••••••\u00a067");
    }

    @Test
    void theCountryListIsSortedByNameInThePageLanguageAndHasSweden() {
        var english = PhoneNumbers.countries(Locale.ENGLISH);
        assertThat(english).anySatisfy(country -> assertThat(country.label()).isEqualTo("Sweden (+46)"));
        assertThat(english.get(0).name()).startsWith("A");
        var swedish = PhoneNumbers.countries(Locale.forLanguageTag("sv"));
        assertThat(swedish).anySatisfy(country -> assertThat(country.label()).isEqualTo("Sverige (+46)"));
    }
}
