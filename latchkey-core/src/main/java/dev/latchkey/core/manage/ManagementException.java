package dev.latchkey.core.manage;

/**
 * A management request that cannot be done, as a value its callers render: the admin API as an
 * RFC 9457 problem, the pages as a message, the command line as a line. The message is written for
 * people and never holds a secret.
 */
public final class ManagementException extends RuntimeException {

    /** What went wrong, as an HTTP status would say it. */
    public enum Kind {
        /** Does not exist, or is not the caller's to see (404 either way: nothing leaks). */
        NOT_FOUND(404),
        /** Exists and is visible, but the caller may not do this. */
        FORBIDDEN(403),
        /** The request is malformed or breaks a rule. */
        INVALID(400),
        /** Clashes with what exists (a taken name, too many secrets). */
        CONFLICT(409);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public ManagementException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static ManagementException notFound(String what) {
        return new ManagementException(Kind.NOT_FOUND, what + " not found");
    }

    public static ManagementException invalid(String message) {
        return new ManagementException(Kind.INVALID, message);
    }

    public static ManagementException forbidden(String message) {
        return new ManagementException(Kind.FORBIDDEN, message);
    }

    public static ManagementException conflict(String message) {
        return new ManagementException(Kind.CONFLICT, message);
    }
}
