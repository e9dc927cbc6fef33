package dev.latchkey.core.usage;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Where {@link UsageCounter#drain} hands what it counted: the usage store. */
public interface UsageSink {

    /**
     * Adds the counts, appends the errors, and records when clients and secrets were last used, in
     * one transaction.
     */
    void add(List<UsageDelta> counts, List<ClientError> errors, Map<String, Instant> clientsUsed,
            Map<String, Instant> secretsUsed);
}
