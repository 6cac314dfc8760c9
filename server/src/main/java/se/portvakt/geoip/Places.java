package se.portvakt.geoip;

import java.util.Optional;

/**
 * The approximate place of a client address, shown to a person next to the address so that a sign-in from
 * elsewhere stands out (a push request on Portvakt Authenticator, decision 0019). A port: {@link GeoipConfig}
 * chooses the adapter, a MaxMind City or Country database when {@code portvakt.geoip.database} is set, else none.
 */
public interface Places {

    /**
     * "City, Country" in English, or "Country" when the database knows no city; empty for an address it does not
     * know, for an address inside a network (loopback, private, link-local, ...), for anything that is not an IP
     * address, and when no database is configured. Never throws, and never asks DNS.
     */
    Optional<String> placeOf(String address);
}
