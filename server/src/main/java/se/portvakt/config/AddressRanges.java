package se.portvakt.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.catalina.util.NetMask;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * A list of IP addresses and CIDR ranges, IPv4 and IPv6, from a setting such as {@code portvakt.trusted-proxies};
 * matching is Tomcat's {@link NetMask}, the same that decides which proxies its {@code RemoteIpValve} trusts.
 */
public final class AddressRanges {

    /** No address at all. */
    public static final AddressRanges NONE = new AddressRanges(List.of());

    /** The loopback addresses, 127.0.0.0/8 and ::1: requests from the machine itself. */
    public static final AddressRanges LOOPBACK = new AddressRanges(List.of("127.0.0.0/8", "0:0:0:0:0:0:0:1/128"));

    /** Four decimal numbers of 0 to 255 and nothing else: Java would read "127.1" or "0x7f.1" as addresses too. */
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    /** Hex digits, colons and dots, with a colon: InetAddress reads such a text as an IPv6 literal or refuses it. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    /** Each range as {@code address/prefix}, the form Tomcat reads as a CIDR list. */
    private final List<String> ranges;
    private final List<NetMask> masks;

    private AddressRanges(List<String> ranges) {
        this.ranges = List.copyOf(ranges);
        this.masks = ranges.stream().map(NetMask::new).toList();
    }

    /**
     * Reads {@code setting} (a comma-separated text or a YAML list), or answers {@code absent} when it is not set.
     *
     * @throws RefusedSetting naming the setting and the entry, when an entry is not an address or a range
     */
    static AddressRanges fromSetting(Environment environment, String setting, AddressRanges absent) {
        return Binder.get(environment).bind(setting, Bindable.listOf(String.class))
                .map(entries -> parse(setting, entries))
                .orElse(absent);
    }

    /**
     * Reads the entries of {@code setting}, each an address ({@code 10.0.0.7}, {@code ::1}) or a range
     * ({@code 10.0.0.0/8}, {@code fd00::/8}); blank entries are skipped.
     *
     * @throws RefusedSetting naming the setting and the entry, when an entry is neither
     */
    static AddressRanges parse(String setting, List<String> entries) {
        List<String> ranges = new ArrayList<>();
        for (String entry : entries) {
            String trimmed = entry.strip();
            if (!trimmed.isEmpty()) {
                ranges.add(range(trimmed).orElseThrow(() -> new RefusedSetting(setting + " has '" + entry
                        + "', which is neither an IP address nor a CIDR range",
                        "List IP addresses and CIDR ranges, IPv4 or IPv6, separated by commas: e.g. " + setting
                                + "=10.0.0.7,192.168.0.0/16,fd00::/8")));
            }
        }
        return new AddressRanges(ranges);
    }

    /** True when nothing is listed. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** True when {@code address} is an IP address in one of the ranges; false for anything else (never a DNS look-up). */
    public boolean contains(String address) {
        return address != null && literal(address).map(this::contains).orElse(false);
    }

    private boolean contains(InetAddress address) {
        return masks.stream().anyMatch(mask -> mask.matches(address));
    }

    @Override
    public String toString() {
        return commaSeparated();
    }

    /** The ranges separated by commas, for Tomcat. */
    String commaSeparated() {
        return String.join(",", ranges);
    }

    private static Optional<String> range(String entry) {
        int slash = entry.indexOf('/');
        Optional<InetAddress> address = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = entry.substring(slash + 1);
            if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > bits) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(digits);
        }
        return Optional.of(address.get().getHostAddress() + "/" + prefix);
    }

    /** The address written in {@code text}, read without a DNS look-up; empty when it is not an IP address. */
    static Optional<InetAddress> literal(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IPV4.matcher(bare).matches() && !(bare.contains(":") && IPV6.matcher(bare).matches())) {
            return Optional.empty();
        }
        try {
            // A dotted quad or a text with a colon: InetAddress reads it as a literal and never asks DNS.
            return Optional.of(InetAddress.getByName(bare));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
