package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AddressLimitsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final AddressLimits limits = new AddressLimits(6, nanos::get);

    @Test
    void anAddressIsRefusedOnceItsFailuresUseUpTheMinuteAndComesBackAsItRefills() {
        assertThat(limits.wait("10.0.0.1")).as("no failure yet").isZero();
        for (int i = 0; i < 6; i++) {
            limits.failed("10.0.0.1");
        }
        assertThat(limits.wait("10.0.0.1")).isEqualTo(10); // one failure's worth at 6 a minute
        assertThat(limits.wait("10.0.0.2")).as("another address").isZero();
        nanos.addAndGet(10_000_000_000L);
        assertThat(limits.wait("10.0.0.1")).isZero();
        limits.failed("10.0.0.1");
        assertThat(limits.wait("10.0.0.1")).isPositive();
    }

    @Test
    void zeroMeansNoLimit() {
        AddressLimits none = new AddressLimits(0, nanos::get);
        for (int i = 0; i < 1000; i++) {
            none.failed("10.0.0.1");
        }
        assertThat(none.wait("10.0.0.1")).isZero();
    }
}
