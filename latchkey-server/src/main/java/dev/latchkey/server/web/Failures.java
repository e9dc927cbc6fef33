package dev.latchkey.server.web;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.log.RepeatedFailureLog;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.server.render.ErrorResponses;
import dev.latchkey.server.render.Reply;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a request raised, as its OAuth JSON answer: an expected failure as its
 * {@link OAuthError} (counted), a database outage as 503 {@code temporarily_unavailable}, anything
 * else as 500 {@code server_error} with the cause logged (never a token: exception messages never
 * carry one). Thread-safe.
 */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private final Metrics metrics;
    // A database outage fails every request alike: logged once, then counted (RepeatedFailureLog).
    private final RepeatedFailureLog unavailable = new RepeatedFailureLog(LOG, "Requests answered 503", 10);

    Failures(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param route the route's pattern (or {@link Router#UNMATCHED}), for the error counter; {@code path}
     *              is the request's, for the log, where it is shortened and stripped of control characters
     */
    Reply reply(Throwable raised, String method, String requestPath, String route) {
        String path = printable(requestPath);
        Throwable failure = raised instanceof CompletionException && raised.getCause() != null
                ? raised.getCause() : raised;
        if (failure instanceof OAuthException expected) {
            metrics.error(route, expected.error().code());
            Reply reply = ErrorResponses.reply(expected.error(), expected.retryAfterSeconds());
            // RFC 9449 §8: use_dpop_nonce says which nonce to sign.
            return expected.dpopNonce() == null ? reply : reply.withHeader("DPoP-Nonce", expected.dpopNonce());
        }
        if (failure instanceof StoreUnavailableException) {
            unavailable.failed(method + " " + path + ": " + failure.getMessage(), null);
            return ErrorResponses.reply(OAuthError.TEMPORARILY_UNAVAILABLE
                    .withDescription("The token store is unavailable; retry later"));
        }
        LOG.error("Unexpected failure in {} {}", method, path, failure);
        return ErrorResponses.reply(OAuthError.SERVER_ERROR.withDescription("Unexpected server error"));
    }

    private static final int MAX_LOGGED_PATH = 200;

    /** A request path as it may appear in a log line: no line breaks or other controls, and short. */
    static String printable(String path) {
        StringBuilder safe = new StringBuilder(Math.min(path.length(), MAX_LOGGED_PATH + 3));
        for (int i = 0; i < path.length() && i < MAX_LOGGED_PATH; i++) {
            char c = path.charAt(i);
            safe.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return path.length() > MAX_LOGGED_PATH ? safe.append("...").toString() : safe.toString();
    }
}
