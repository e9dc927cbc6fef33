package dev.latchkey.server.dashboard;

import dev.latchkey.core.usage.UsageCount;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A bar chart drawn as SVG on the server (no script): tokens issued per hour or day, with the
 * errors of each as a second, darker bar. Coordinates are in a {@value #WIDTH} by {@value #HEIGHT}
 * view box the page scales to its width.
 */
public record Chart(String id, String label, List<Bar> bars, long max, long issued, long errors) {

    public static final int WIDTH = 720;
    public static final int HEIGHT = 160;
    private static final int AXIS = 20;

    /** One period: its bar of tokens and its bar of errors, and the words a screen reader or a tooltip gives. */
    public record Bar(double x, double width, double issuedY, double issuedHeight, double errorsY, double errorsHeight,
            String title, String tick) {
    }

    public static Chart of(String id, String label, List<UsageCount> counts, Function<UsageCount, String> title,
            Function<UsageCount, String> tick) {
        long max = 1;
        long issued = 0;
        long errors = 0;
        for (UsageCount count : counts) {
            max = Math.max(max, Math.max(count.issued(), count.errors()));
            issued += count.issued();
            errors += count.errors();
        }
        double slot = (double) WIDTH / Math.max(1, counts.size());
        double plot = HEIGHT - AXIS;
        List<Bar> bars = new ArrayList<>(counts.size());
        for (int i = 0; i < counts.size(); i++) {
            UsageCount count = counts.get(i);
            double issuedHeight = plot * count.issued() / max;
            double errorsHeight = plot * count.errors() / max;
            bars.add(new Bar(round(i * slot + slot * 0.1), round(slot * 0.4), round(plot - issuedHeight),
                    round(issuedHeight), round(plot - errorsHeight), round(errorsHeight), title.apply(count),
                    i % Math.max(1, counts.size() / 6) == 0 ? tick.apply(count) : null));
        }
        return new Chart(id, label, bars, max, issued, errors);
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    public double axisY() {
        return HEIGHT - AXIS;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
