package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading address settings: addresses and CIDR ranges of both families, and a clear refusal of anything else. */
class AddressRangesTest {

    @Test
    void addressesAndRangesOfBothFamiliesAreRead() {
        AddressRanges ranges = AddressRanges.parse("portvakt.trusted-proxies",
                List.of("10.0.0.7", " 192.168.0.0/16", "fd00::/8", "[::1]", ""));

        assertThat(ranges.contains("10.0.0.7")).isTrue();
        assertThat(ranges.contains("10.0.0.8")).isFalse();
        assertThat(ranges.contains("192.168.200.1")).isTrue();
        assertThat(ranges.contains("192.169.0.1")).isFalse();
        assertThat(ranges.contains("fd12:3456::1")).isTrue();
        assertThat(ranges.contains("fe80::1")).isFalse();
        assertThat(ranges.contains("0:0:0:0:0:0:0:1")).as("as Tomcat writes ::1").isTrue();
        assertThat(ranges.toString()).isEqualTo("10.0.0.7/32,192.168.0.0/16,fd00:0:0:0:0:0:0:0/8,0:0:0:0:0:0:0:1/128");
    }

    @Test
    void aRangeWithHostBitsCoversItsWholeNetwork() {
        AddressRanges ranges = AddressRanges.parse("s", List.of("10.1.2.3/8"));

        assertThat(ranges.contains("10.200.0.1")).isTrue();
        assertThat(ranges.contains("11.0.0.1")).isFalse();
    }

    @Test
    void familiesDoNotMix() {
        AddressRanges everyIpv4 = AddressRanges.parse("s", List.of("0.0.0.0/0"));

        assertThat(everyIpv4.contains("203.0.113.9")).isTrue();
        assertThat(everyIpv4.contains("2001:db8::1")).isFalse();
    }

    @Test
    void whatIsNoAddressMatchesNothingAndIsNeverLookedUp() {
        AddressRanges ranges = AddressRanges.parse("s", List.of("0.0.0.0/0", "::/0"));

        assertThat(ranges.contains("localhost")).isFalse();
        assertThat(ranges.contains("example.com")).isFalse();
        assertThat(ranges.contains("127.1")).as("Java would read it as 127.0.0.1").isFalse();
        assertThat(ranges.contains("0x7f.0.0.1")).isFalse();
        assertThat(ranges.contains("")).isFalse();
        assertThat(ranges.contains(null)).isFalse();
        assertThat(ranges.contains("unknown")).isFalse();
    }

    @Test
    void loopbackIsBothFamilies() {
        assertThat(AddressRanges.LOOPBACK.contains("127.0.0.1")).isTrue();
        assertThat(AddressRanges.LOOPBACK.contains("127.8.9.10")).isTrue();
        assertThat(AddressRanges.LOOPBACK.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(AddressRanges.LOOPBACK.contains("::1")).isTrue();
        assertThat(AddressRanges.LOOPBACK.contains("10.0.0.1")).isFalse();
        assertThat(AddressRanges.LOOPBACK.contains("::2")).isFalse();
    }

    @Test
    void anythingElseIsRefusedNamingTheSettingAndTheEntry() {
        for (String entry : List.of("10.0.0.300", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "proxy.internal",
                "127.1", "10.0.0.0/8/8", "fe80::1%eth0", "*")) {
            assertThatThrownBy(() -> AddressRanges.parse("portvakt.trusted-proxies", List.of("10.0.0.1", entry)))
                    .as(entry)
                    .isInstanceOf(RefusedSetting.class)
                    .hasMessageContaining("portvakt.trusted-proxies has '" + entry + "'");
        }
    }
}
