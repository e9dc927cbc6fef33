package dev.latchkey.server.testing;

import java.net.URI;

/** A Latchkey server as tests reach it: in this JVM ({@link TestServer}) or in another process. */
public interface Endpoint {

    /** The issuer the server puts in its tokens and metadata. */
    String issuer();

    /** An absolute URI on this server, e.g. {@code uri("/oauth2/token")}. */
    URI uri(String path);

    default URI tokenEndpoint() {
        return uri("/oauth2/token");
    }
}
