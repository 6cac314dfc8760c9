package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.ServletException;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.Test;

/**
 * The valve made from {@code portvakt.trusted-proxies} walks X-Forwarded-For from the right, past listed proxies only,
 * and takes the protocol and port from listed proxies only.
 */
class TrustedProxiesTest {

    private static final AddressRanges PROXIES = AddressRanges.parse("s", List.of("10.0.0.0/8", "fd00::/8"));

    @Test
    void noListedProxyMeansNoValve() {
        assertThat(TrustedProxies.valves(AddressRanges.parse("s", List.of()))).isEmpty();
    }

    @Test
    void fromAListedProxyTheClientIsTheRightmostAddressThatIsNoProxy() throws Exception {
        Seen seen = through("10.0.0.1", "198.51.100.1, 203.0.113.9, 10.2.3.4", "https");

        assertThat(seen.address).isEqualTo("203.0.113.9");
        assertThat(seen.secure).isTrue();
    }

    @Test
    void fromAnIpv6ProxyToo() throws Exception {
        assertThat(through("fd00:0:0:0:0:0:0:5", "2001:db8::9", null).address).isEqualTo("2001:db8::9");
    }

    @Test
    void fromAnyOtherAddressTheHeadersAreIgnored() throws Exception {
        Seen seen = through("192.0.2.8", "203.0.113.9", "https");

        assertThat(seen.address).isEqualTo("192.0.2.8");
        assertThat(seen.secure).isFalse();
    }

    @Test
    void privateAddressesAreNotProxiesUnlessListed() throws Exception {
        assertThat(through("192.168.1.1", "203.0.113.9", null).address).isEqualTo("192.168.1.1");
        assertThat(through("127.0.0.1", "203.0.113.9", null).address).isEqualTo("127.0.0.1");
    }

    @Test
    void fromAListedProxyThePortIsTheProxys() throws Exception {
        assertThat(through("10.0.0.1", "203.0.113.9", "http", "8080").port).isEqualTo(8080);
        assertThat(through("10.0.0.1", "203.0.113.9", "https", "8443").port).isEqualTo(8443);
        assertThat(through("10.0.0.1", "203.0.113.9", "https", null).port).as("no port sent: the protocol's").isEqualTo(443);
    }

    @Test
    void fromAnyOtherAddressThePortHeaderIsIgnored() throws Exception {
        assertThat(through("192.0.2.8", "203.0.113.9", "http", "8080").port).isEqualTo(SOCKET_PORT);
    }

    private static final int SOCKET_PORT = 9000;

    private record Seen(String address, boolean secure, int port) {}

    private static Seen through(String socketAddress, String forwardedFor, String forwardedProto)
            throws IOException, ServletException {
        return through(socketAddress, forwardedFor, forwardedProto, null);
    }

    private static Seen through(String socketAddress, String forwardedFor, String forwardedProto, String forwardedPort)
            throws IOException, ServletException {
        Valve valve = TrustedProxies.valves(PROXIES).get(0);
        Seen[] seen = new Seen[1];
        valve.setNext(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) {
                seen[0] = new Seen(request.getRemoteAddr(), request.isSecure(), request.getServerPort());
            }
        });
        Request request = new Request(new Connector(), new org.apache.coyote.Request());
        request.setRemoteAddr(socketAddress);
        request.setServerPort(SOCKET_PORT);
        request.getCoyoteRequest().getMimeHeaders().addValue("X-Forwarded-For").setString(forwardedFor);
        if (forwardedProto != null) {
            request.getCoyoteRequest().getMimeHeaders().addValue("X-Forwarded-Proto").setString(forwardedProto);
        }
        if (forwardedPort != null) {
            request.getCoyoteRequest().getMimeHeaders().addValue("X-Forwarded-Port").setString(forwardedPort);
        }
        valve.invoke(request, null);
        return seen[0];
    }
}
