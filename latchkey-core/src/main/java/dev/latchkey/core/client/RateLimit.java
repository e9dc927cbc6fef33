package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import java.util.Map;

/**
 * A client's request rate at the token endpoint, as a token bucket (registration members
 * {@code rate_limit_per_second} and {@code rate_limit_burst}): it refills at {@code perSecond} and
 * holds at most {@code burst}; and its token quotas ({@code token_quota_per_hour},
 * {@code token_quota_per_day}: tokens issued in the current UTC hour and day, 0 for none).
 * {@link #NONE}: no limit, and no cost on the token path.
 */
public record RateLimit(double perSecond, int burst, long perHour, long perDay) {

    public static final RateLimit NONE = new RateLimit(0, 0);
    static final double MAX_PER_SECOND = 100_000;
    static final int MAX_BURST = 100_000;
    static final long MAX_QUOTA = 1_000_000_000L;

    /** A rate without quotas. */
    public RateLimit(double perSecond, int burst) {
        this(perSecond, burst, 0, 0);
    }

    public boolean isLimited() {
        return perSecond > 0;
    }

    /** True if the client has an hourly or a daily token quota. */
    public boolean hasQuota() {
        return perHour > 0 || perDay > 0;
    }

    static RateLimit parse(Map<String, ?> json) {
        RateLimit rate = rate(json);
        return new RateLimit(rate.perSecond, rate.burst, quota(json, "token_quota_per_hour"),
                quota(json, "token_quota_per_day"));
    }

    private static long quota(Map<String, ?> json, String name) {
        Object value = json.get(name);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Number whole) || whole.doubleValue() != Math.rint(whole.doubleValue())
                || whole.longValue() < 1 || whole.longValue() > MAX_QUOTA) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException(name + " must be a whole number from 1 to " + MAX_QUOTA);
        }
        return whole.longValue();
    }

    private static RateLimit rate(Map<String, ?> json) {
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
        if (perHour > 0) {
            json.put("token_quota_per_hour", perHour);
        }
        if (perDay > 0) {
            json.put("token_quota_per_day", perDay);
        }
    }

    /** True if {@code other} grants no more than this: a limit kept, or made tighter. */
    boolean atMost(RateLimit other) {
        return (!other.isLimited() || isLimited() && perSecond <= other.perSecond && burst <= other.burst)
                && within(perHour, other.perHour) && within(perDay, other.perDay);
    }

    private static boolean within(long quota, long granted) {
        return granted == 0 || quota > 0 && quota <= granted;
    }
}
