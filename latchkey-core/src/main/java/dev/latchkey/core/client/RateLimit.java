package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import java.util.Map;

/**
 * A client's request rate at the token endpoint, as a token bucket (registration members
 * {@code rate_limit_per_second} and {@code rate_limit_burst}): it refills at {@code perSecond} and
 * holds at most {@code burst}. {@link #NONE}: no limit, and no cost on the token path.
 */
public record RateLimit(double perSecond, int burst) {

    public static final RateLimit NONE = new RateLimit(0, 0);
    static final double MAX_PER_SECOND = 100_000;
    static final int MAX_BURST = 100_000;

    public boolean isLimited() {
        return perSecond > 0;
    }

    static RateLimit parse(Map<String, ?> json) {
        Object rate = json.get("rate_limit_per_second");
        Object burst = json.get("rate_limit_burst");
        if (rate == null) {
            if (burst != null) {
                throw OAuthError.INVALID_CLIENT_METADATA.toException("rate_limit_burst needs rate_limit_per_second");
            }
            return NONE;
        }
        if (!(rate instanceof Number number) || !(number.doubleValue() > 0) || number.doubleValue() > MAX_PER_SECOND) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("rate_limit_per_second must be a number above 0 and at"
                    + " most " + (long) MAX_PER_SECOND);
        }
        int size = (int) Math.max(1, Math.ceil(number.doubleValue()));
        if (burst != null) {
            if (!(burst instanceof Number whole) || whole.doubleValue() != Math.rint(whole.doubleValue())
                    || whole.longValue() < 1 || whole.longValue() > MAX_BURST) {
                throw OAuthError.INVALID_CLIENT_METADATA.toException("rate_limit_burst must be a whole number from 1 to "
                        + MAX_BURST);
            }
            size = whole.intValue();
        }
        return new RateLimit(number.doubleValue(), size);
    }

    void toJson(Map<String, Object> json) {
        if (isLimited()) {
            json.put("rate_limit_per_second", perSecond == Math.rint(perSecond) ? (Object) (long) perSecond : perSecond);
            json.put("rate_limit_burst", burst);
        }
    }

    /** True if {@code other} grants no more than this: a limit kept, or made tighter. */
    boolean atMost(RateLimit other) {
        return !other.isLimited() || isLimited() && perSecond <= other.perSecond && burst <= other.burst;
    }
}
