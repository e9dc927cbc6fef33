package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Trusted proxies as addresses and CIDR ranges; RFC 7239 nodes reduced to addresses. */
class ClientAddressTest {

    @ParameterizedTest(name = "{0} trusts {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.1.2.3, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.7, 192.168.1.7, true",
            "192.168.1.7, 192.168.1.8, false",
            "172.16.0.0/12, 172.31.255.255, true",
            "172.16.0.0/12, 172.32.0.0, false",
            "2001:db8::/32, 2001:db8:cafe::17, true",
            "2001:db8::/32, 2001:db9::1, false",
            "0.0.0.0/0, 198.51.100.1, true",
            "10.0.0.0/8, ::ffff:10.0.0.1, true",
            "10.0.0.0/8, unknown, false",
            "10.0.0.0/8, _hidden, false"})
    void rangesContainWhatTheyShould(String range, String address, boolean trusted) {
        assertThat(ClientAddress.trusting(List.of(range)).isTrusted(address)).isEqualTo(trusted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not-an-address|is not an IP address or CIDR range",
            "10.0.0.0/33|prefix length out of range",
            "10.0.0.0/x|prefix length out of range",
            "example.com|is not an IP address or CIDR range"})
    void aBadProxyIsAnErrorNamingIt(String spec, String message) {
        assertThatThrownBy(() -> ClientAddress.trusting(List.of(spec))).hasMessageContaining("--trusted-proxies")
                .hasMessageContaining(spec).hasMessageContaining(message);
    }

    @Test
    void forwardedNodesAreReducedToTheirAddresses() {
        assertThat(ClientAddress.hops(List.of("for=192.0.2.60;proto=http;by=203.0.113.43",
                "For=\"[2001:db8:cafe::17]:4711\", for=unknown")))
                .containsExactly("192.0.2.60", "\"[2001:db8:cafe::17]:4711\"", "unknown");
        assertThat(ClientAddress.clean("\"[2001:db8:cafe::17]:4711\"")).isEqualTo("2001:db8:cafe::17");
        assertThat(ClientAddress.clean("192.0.2.60:8080")).isEqualTo("192.0.2.60");
        assertThat(ClientAddress.clean("x".repeat(200))).hasSize(64);
        assertThat(ClientAddress.clean("evil\nline")).doesNotContain("\n");
    }
}
