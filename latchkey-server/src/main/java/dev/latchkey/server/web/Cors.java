package dev.latchkey.server.web;

import dev.latchkey.server.render.Reply;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cross-origin reads (the Fetch standard's CORS protocol), where RFC 9700 §2.6 allows them: the
 * public documents (metadata, JWKS) to any page; the token and registration endpoints' answers to a
 * page on an origin of the client's registered redirect URIs (a single-page app redeeming its code,
 * or managing its own registration). No endpoint
 * takes cookies, so none allows credentials; the authorization endpoint has no CORS at all.
 */
final class Cors {

    private Cors() {
    }

    static Reply anyOrigin(Reply reply) {
        return with(reply, "*");
    }

    static Reply allow(Reply reply, String origin) {
        Reply allowed = with(reply, origin);
        allowed.headers().put("Vary", "Origin");
        allowed.headers().put("Access-Control-Expose-Headers", "DPoP-Nonce"); // RFC 9449 §8: the page reads it
        return allowed;
    }

    /** An answer about a client, readable by a page on an origin of its redirect URIs (none else). */
    static Reply forClient(Reply reply, dev.latchkey.core.client.RegisteredClient client, String origin) {
        return origin != null && client.metadata().userFlows().origins().contains(origin) ? allow(reply, origin) : reply;
    }

    /** The answer to a preflight: POST and GET with a form or JSON body, cached ten minutes. */
    static Reply preflight(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (origin != null) {
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Vary", "Origin");
        }
        headers.put("Access-Control-Allow-Methods", "GET, POST");
        headers.put("Access-Control-Allow-Headers", "Content-Type, Authorization, DPoP");
        headers.put("Access-Control-Max-Age", "600");
        return new Reply(204, headers, new byte[0]);
    }

    private static Reply with(Reply reply, String origin) {
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        headers.put("Access-Control-Allow-Origin", origin);
        return new Reply(reply.status(), headers, reply.body());
    }
}
