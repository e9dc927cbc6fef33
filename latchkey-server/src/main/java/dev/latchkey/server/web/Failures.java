package dev.latchkey.server.web;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.server.render.ErrorResponses;
import dev.latchkey.server.render.Reply;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a request raised, as its OAuth JSON answer, for both HTTP layers: an expected failure as its
 * {@link OAuthError} (counted), a database outage as 503 {@code temporarily_unavailable}, anything
 * else as 500 {@code server_error} with the cause logged (never a token: exception messages never
 * carry one). Thread-safe.
 */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private final Metrics metrics;

    Failures(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param route the route's pattern, for the error counter; {@code path} is the request's, for
     *              the log
     */
    Reply reply(Throwable raised, String method, String path, String route) {
        Throwable failure = raised instanceof CompletionException && raised.getCause() != null
                ? raised.getCause() : raised;
        if (failure instanceof OAuthException expected) {
            metrics.error(route, expected.error().code());
            return ErrorResponses.reply(expected.error());
        }
        if (failure instanceof StoreUnavailableException) {
            LOG.warn("Store unavailable for {} {}: {}", method, path, failure.toString());
            return ErrorResponses.reply(OAuthError.TEMPORARILY_UNAVAILABLE
                    .withDescription("The token store is unavailable; retry later"));
        }
        LOG.error("Unexpected failure in {} {}", method, path, failure);
        return ErrorResponses.reply(OAuthError.SERVER_ERROR.withDescription("Unexpected server error"));
    }
}
