package dev.latchkey.server.web;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.server.Request;

/**
 * The address a request came from, as logs, throttles and the audit log name it. Behind a reverse
 * proxy the connection's address is the proxy's; {@code --trusted-proxies} (addresses or CIDR ranges)
 * names the proxies whose {@code Forwarded} (RFC 7239) or, without it, {@code X-Forwarded-For} header
 * is believed. The client is the rightmost hop that is not a trusted proxy: everything left of it was
 * written by the client and proves nothing (RFC 7239 §7.4). From any other peer, and with no trusted
 * proxies (the default), both headers are ignored. Immutable.
 */
public final class ClientAddress {

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((address[full] ^ network[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
        }
    }

    /** No proxy trusted: the connection's address, always. */
    public static final ClientAddress DIRECT = new ClientAddress(List.of());

    private static final int MAX_HOP = 64;

    private final List<Range> trusted;

    private ClientAddress(List<Range> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** From {@code --trusted-proxies}: IP addresses and CIDR ranges; a bad one is an error naming it. */
    public static ClientAddress trusting(List<String> proxies) {
        List<Range> ranges = new ArrayList<>();
        for (String spec : proxies) {
            String text = spec.strip();
            if (text.isEmpty()) {
                continue;
            }
            int slash = text.indexOf('/');
            byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
            if (network == null) {
                throw new IllegalArgumentException("--trusted-proxies (or LATCHKEY_TRUSTED_PROXIES): " + text
                        + " is not an IP address or CIDR range");
            }
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("--trusted-proxies (or LATCHKEY_TRUSTED_PROXIES): " + text
                            + " has a prefix length out of range");
                }
            }
            ranges.add(new Range(network, prefix));
        }
        return new ClientAddress(ranges);
    }

    /**
     * The client certificate chain of a request (leaf first; empty: none): from a trusted proxy, the
     * one it forwards in the RFC 9440 {@code Client-Cert} header (a structured-field byte sequence,
     * {@code :base64 DER:}; a proxy's own TLS certificate is not the client's); from any other peer, the
     * one its TLS connection presented (mutual TLS, RFC 8705), never a header, which anyone can write.
     */
    java.util.List<java.security.cert.X509Certificate> certificates(Request request) {
        String peer = Request.getRemoteAddr(request);
        if (!trusted.isEmpty() && isTrusted(peer)) {
            String forwarded = request.getHeaders().get("Client-Cert");
            if (forwarded == null) {
                return java.util.List.of();
            }
            String value = forwarded.strip();
            if (value.length() < 3 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
                return java.util.List.of();
            }
            try {
                byte[] der = java.util.Base64.getDecoder().decode(value.substring(1, value.length() - 1));
                return java.util.List.of((java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                        .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der)));
            } catch (IllegalArgumentException | java.security.cert.CertificateException e) {
                return java.util.List.of(); // not a certificate: the request goes on without one
            }
        }
        Object session = request.getAttribute(org.eclipse.jetty.io.EndPoint.SslSessionData.ATTRIBUTE);
        if (session instanceof org.eclipse.jetty.io.EndPoint.SslSessionData data && data.peerCertificates() != null) {
            return java.util.List.of(data.peerCertificates());
        }
        return java.util.List.of();
    }

    String of(Request request) {
        String peer = Request.getRemoteAddr(request);
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = hops(request.getHeaders().getValuesList("Forwarded"));
        if (hops.isEmpty()) {
            for (String value : request.getHeaders().getValuesList("X-Forwarded-For")) {
                for (String hop : value.split(",")) {
                    hops.add(hop.strip());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = clean(hops.get(i));
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return hops.isEmpty() ? peer : clean(hops.get(0));
    }

    boolean isTrusted(String address) {
        byte[] bytes = literal(address);
        return bytes != null && trusted.stream().anyMatch(range -> range.contains(bytes));
    }

    /** The {@code for=} values of RFC 7239 {@code Forwarded} headers, in order. */
    static List<String> hops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String element : header.split(",")) {
                for (String pair : element.split(";")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0 && pair.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("for")) {
                        hops.add(pair.substring(equals + 1).strip());
                    }
                }
            }
        }
        return hops;
    }

    /** A node as RFC 7239 §6 writes it, reduced to its address: quotes, brackets and a port removed. */
    static String clean(String node) {
        String value = node.strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            value = close > 0 ? value.substring(1, close) : value;
        } else if (value.indexOf(':') == value.lastIndexOf(':') && value.indexOf(':') > 0) {
            value = value.substring(0, value.indexOf(':')); // IPv4 with a port
        }
        value = Failures.printable(value);
        return value.length() > MAX_HOP ? value.substring(0, MAX_HOP) : value;
    }

    /** The bytes of an IP literal, or null for anything else (names are never resolved). */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+") || text.length() > 45) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(text).getAddress(); // a literal: no lookup
            if (bytes.length == 16 && text.contains(".") && new BigInteger(1, java.util.Arrays.copyOf(bytes, 10))
                    .signum() == 0 && bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF) {
                return java.util.Arrays.copyOfRange(bytes, 12, 16); // ::ffff:a.b.c.d is a.b.c.d
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
