package dev.latchkey.server.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the pages write times and durations: UTC, to the minute, and ages in words. */
public final class Format {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d").withZone(ZoneOffset.UTC);

    private Format() {
    }

    public static String time(Instant instant) {
        return instant == null ? "never" : MINUTE.format(instant);
    }

    public static String hour(Instant instant) {
        return HOUR.format(instant);
    }

    public static String day(Instant instant) {
        return DAY.format(instant);
    }

    /** "3 days", "5 hours", "12 minutes", "just now". */
    public static String age(Instant since, Instant now) {
        Duration age = Duration.between(since, now);
        if (age.toDays() >= 1) {
            return plural(age.toDays(), "day");
        }
        if (age.toHours() >= 1) {
            return plural(age.toHours(), "hour");
        }
        if (age.toMinutes() >= 1) {
            return plural(age.toMinutes(), "minute");
        }
        return "just now";
    }

    public static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds == 0) {
            return "none";
        }
        if (seconds % 86400 == 0) {
            return plural(seconds / 86400, "day");
        }
        if (seconds % 3600 == 0) {
            return plural(seconds / 3600, "hour");
        }
        if (seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
