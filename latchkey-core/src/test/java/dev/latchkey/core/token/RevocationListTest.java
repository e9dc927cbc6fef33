package dev.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.store.record.Change;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevocationListTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aRevokedFamilyRevokesEveryJwtWhoseJtiNamesIt() {
        RevocationList list = new RevocationList();

        list.apply(new Change(1, Change.Kind.FAMILY_REVOKED, "fam", NOW.plusSeconds(60)));

        assertThat(list.isRevoked("fam.anything")).isTrue();
        assertThat(list.isRevoked("other.anything")).isFalse();
        assertThat(list.isRevoked("fam")).as("a jti without a family is not in one").isFalse();
    }

    @Test
    void entriesDropOnceTheirTokensHaveExpired() {
        RevocationList list = new RevocationList();
        list.apply(new Change(1, Change.Kind.JTI_REVOKED, "a", NOW.plusSeconds(10)));
        list.apply(new Change(2, Change.Kind.JTI_REVOKED, "b", NOW.plusSeconds(100)));
        list.apply(new Change(3, Change.Kind.JTI_REVOKED, "a", NOW.plusSeconds(5)));

        list.prune(NOW.plusSeconds(10));

        assertThat(list.isRevoked("a")).isFalse();
        assertThat(list.isRevoked("b")).isTrue();
        assertThat(list.size()).isEqualTo(1);
    }

    @Test
    void otherChangesAreIgnored() {
        RevocationList list = new RevocationList();

        list.apply(new Change(1, Change.Kind.CLIENT_CHANGED, "client", NOW.plusSeconds(10)));

        assertThat(list.size()).isZero();
    }
}
