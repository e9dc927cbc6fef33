package dev.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration MAX_TTL = Duration.ofHours(1);

    private static KeyRing.Key key(Instant activatesAt) {
        return KeyRing.key(SigningAlgorithm.EdDSA.generate(), SigningAlgorithm.EdDSA, T0, activatesAt);
    }

    @Test
    void keyLifecycleIsPendingThenSigningThenRetiredThenGone() {
        KeyRing.Key first = key(T0);
        KeyRing.Key second = key(T0.plusSeconds(600));
        KeyRing ring = new KeyRing(List.of(second, first));

        // before the second key activates: first signs, both are published
        assertThat(ring.signingKey(T0.plusSeconds(599))).contains(first);
        assertThat(ring.published(T0.plusSeconds(599), MAX_TTL)).containsExactly(first, second);
        // the second signs from its activation; the first stays published for the longest token lifetime
        assertThat(ring.signingKey(T0.plusSeconds(600))).contains(second);
        assertThat(ring.published(T0.plusSeconds(600).plus(MAX_TTL).minusSeconds(1), MAX_TTL)).containsExactly(first, second);
        assertThat(ring.published(T0.plusSeconds(600).plus(MAX_TTL), MAX_TTL)).containsExactly(second);
        assertThat(ring.verificationKey(first.kid(), T0.plusSeconds(600).plus(MAX_TTL), MAX_TTL)).isEmpty();
        assertThat(ring.verificationKey(second.kid(), T0.plusSeconds(1), MAX_TTL)).contains(second);
    }

    @Test
    void nothingSignsBeforeTheFirstActivation() {
        assertThat(new KeyRing(List.of(key(T0.plusSeconds(5)))).signingKey(T0)).isEmpty();
        assertThat(new KeyRing(List.of()).signingKey(T0)).isEmpty();
    }

    @Test
    void statesNameTheNextTheCurrentAndTheRetiredKeys() {
        KeyRing.Key first = key(T0);
        KeyRing.Key second = key(T0.plusSeconds(600));
        KeyRing ring = new KeyRing(List.of(first, second));

        assertThat(ring.states(T0.plusSeconds(1), MAX_TTL)).extracting(KeyRing.KeyState::kid, KeyRing.KeyState::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(second.kid(), "next"),
                        org.assertj.core.groups.Tuple.tuple(first.kid(), "current"));
        assertThat(ring.states(T0.plusSeconds(600).plus(MAX_TTL), MAX_TTL))
                .extracting(KeyRing.KeyState::status, KeyRing.KeyState::published)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("current", true),
                        org.assertj.core.groups.Tuple.tuple("retired", false));
    }
}
