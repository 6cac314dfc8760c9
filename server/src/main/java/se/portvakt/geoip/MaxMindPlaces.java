package se.portvakt.geoip;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.maxmind.db.Reader;

/**
 * Places from a MaxMind GeoIP2 or GeoLite2 City or Country database (or one in the same layout), read with MaxMind's
 * own reader. The file is memory-mapped once and shared by every lookup (the reader is thread-safe); a lookup that
 * fails for any reason is no place, never an error for the person signing in.
 */
final class MaxMindPlaces implements Places, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MaxMindPlaces.class);

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

    /**
     * An address literal: dotted IPv4 with octets up to 255, or IPv6 (hex digits and colons, maybe an embedded IPv4;
     * InetAddress refuses a bad one without asking DNS). No host name gets by.
     */
    private static final Pattern LITERAL =
            Pattern.compile(OCTET + "(\\." + OCTET + "){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final Reader reader;

    private MaxMindPlaces(Reader reader) {
        this.reader = reader;
    }

    /**
     * Opens the database, memory-mapped.
     *
     * @throws IOException when the file cannot be read as a MaxMind database
     * @throws NotAPlaceDatabase when it is one, but of a kind that has no places (ASN, ISP, ...)
     */
    static MaxMindPlaces open(File database) throws IOException {
        Reader reader = new Reader(database, Reader.FileMode.MEMORY_MAPPED);
        String type = reader.getMetadata().databaseType();
        if (type == null || !(type.contains("City") || type.contains("Country"))) {
            reader.close();
            throw new NotAPlaceDatabase(type);
        }
        log.info("GeoIP: places from {} ({}, built {})", database, type, reader.getMetadata().buildTime());
        return new MaxMindPlaces(reader);
    }

    /** The database's type says it has no cities or countries. */
    static final class NotAPlaceDatabase extends IOException {
        NotAPlaceDatabase(String type) {
            super("it is a " + type + " database; a City or Country database is needed (e.g. GeoLite2-City.mmdb)");
        }
    }

    @Override
    public Optional<String> placeOf(String address) {
        try {
            Optional<InetAddress> parsed = literal(address);
            if (parsed.isEmpty() || insideANetwork(parsed.get())) {
                return Optional.empty();
            }
            return place(reader.get(parsed.get(), Map.class));
        } catch (IOException | RuntimeException e) {
            log.debug("GeoIP: no place for {}", address, e);
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** The address, if the text is an IP address literal (so that resolving it never asks DNS). */
    private static Optional<InetAddress> literal(String address) throws UnknownHostException {
        if (address == null || !LITERAL.matcher(address).matches()) {
            return Optional.empty();
        }
        return Optional.of(InetAddress.getByName(address));
    }

    /** Loopback, private, link-local, carrier-grade NAT, unique-local IPv6, any-local or multicast: no place. */
    private static boolean insideANetwork(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] octets = address.getAddress();
        return octets.length == 4 ? (octets[0] & 0xff) == 100 && (octets[1] & 0xc0) == 0x40
                : (octets[0] & 0xfe) == 0xfc;
    }

    /** "City, Country" or "Country" from a City or Country record (names in English). */
    private static Optional<String> place(Map<?, ?> record) {
        if (record == null) {
            return Optional.empty();
        }
        Optional<String> city = englishName(record.get("city"));
        Optional<String> country = englishName(record.get("country"));
        if (city.isPresent() && country.isPresent()) {
            return Optional.of(city.get() + ", " + country.get());
        }
        return country.or(() -> city);
    }

    private static Optional<String> englishName(Object part) {
        if (part instanceof Map<?, ?> map && map.get("names") instanceof Map<?, ?> names
                && names.get("en") instanceof String name && !name.isBlank()) {
            return Optional.of(name.strip());
        }
        return Optional.empty();
    }
}
