package se.portvakt.factor.emergency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The emergency code's shape: ABCD-1234-ABCD-1234-ABCD, no look-alike characters, at least 80 bits. */
class EmergencyCodeFormatTest {

    @Test
    void aCodeHasFiveGroupsOfFourFromAnAlphabetWithoutLookAlikes() {
        for (int i = 0; i < 1000; i++) {
            String code = EmergencyCodes.generate();
            assertThat(code).matches("[A-Z2-9]{4}(-[A-Z2-9]{4}){4}");
            assertThat(code).doesNotContain("0", "O", "1", "I", "L", "U", "V");
        }
    }

    @Test
    void theCodeCarriesAtLeast80BitsOfRandomness() {
        double bits = EmergencyCodes.LENGTH * Math.log(EmergencyCodes.ALPHABET.length()) / Math.log(2);
        assertThat(bits).isGreaterThanOrEqualTo(80);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(EmergencyCodes.generate())).isTrue();
        }
    }

    @Test
    void whatPeopleTypeIsReadWithoutDashesSpacesOrCase() {
        assertThat(EmergencyCodes.normalize("abcd-2345 efgh-6789-WXYZ")).isEqualTo("ABCD2345EFGH6789WXYZ");
        assertThat(EmergencyCodes.normalize(" ABCD2345EFGH6789WXYZ\n")).isEqualTo("ABCD2345EFGH6789WXYZ");
    }

    @Test
    void charactersOutsideTheAlphabetMakeTheInputUnreadable() {
        assertThat(EmergencyCodes.normalize("ABCD-2345-EFGH-6789-WXY0")).isEmpty();
        assertThat(EmergencyCodes.normalize("ABCD;DROP TABLE")).isEmpty();
        assertThat(EmergencyCodes.normalize(null)).isEmpty();
    }
}
