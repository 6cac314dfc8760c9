package se.portvakt.myaccount;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Addresses on My account are written as people read them: IPv6 short (RFC 5952), everything else as recorded. */
class ShownAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0:0:0:0:0:0:0:1             | ::1
            2001:db8:0:0:0:0:2:1        | 2001:db8::2:1
            2001:0db8:0000:0000:0001:0000:0000:0001 | 2001:db8::1:0:0:1
            2001:db8:0:1:1:1:1:1        | 2001:db8:0:1:1:1:1:1
            fe80:0:0:0:0:0:0:0          | fe80::
            0:0:0:0:0:0:0:0             | ::
            192.0.2.10                  | 192.0.2.10
            2001:db8::1                 | 2001:db8::1
            not an address              | not an address
            """)
    void writesIpv6ShortAndLeavesTheRest(String recorded, String shown) {
        assertThat(ShownAddress.of(recorded)).isEqualTo(shown);
    }

    @Test
    void noAddressIsNothing() {
        assertThat(ShownAddress.of(null)).isEmpty();
    }
}
