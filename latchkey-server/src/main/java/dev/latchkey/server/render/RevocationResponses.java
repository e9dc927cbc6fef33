package dev.latchkey.server.render;

/** The revocation response, RFC 7009 §2.2: 200 with an empty body, also for unknown tokens. */
public final class RevocationResponses {

    private static final Reply REVOKED = new Reply(200, Reply.NO_STORE, new byte[0]);

    private RevocationResponses() {
    }

    public static Reply reply() {
        return REVOKED;
    }
}
