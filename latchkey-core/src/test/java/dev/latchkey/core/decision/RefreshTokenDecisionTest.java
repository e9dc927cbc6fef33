package dev.latchkey.core.decision;

import static dev.latchkey.core.decision.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.grant.RefreshTokenGrant;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 6749 §6 with rotation (RFC 9700 §4.14.2), decided over values. */
class RefreshTokenDecisionTest {

    private static final URI API = URI.create("https://api.example/");
    private static final RegisteredClient CLIENT = Fixtures.client("c1", Map.of("scope", "read write",
            "grant_types", List.of("client_credentials", "refresh_token"), "resources", List.of(API.toString()),
            "refresh_token_ttl", 3600));
    private static final RegisteredClient GRACEFUL = Fixtures.client("c1", Map.of("scope", "read write",
            "grant_types", List.of("client_credentials", "refresh_token"), "refresh_token_grace_seconds", 30));
    private final RefreshTokenDecision decision = new RefreshTokenDecision(Fixtures.MINTER, Fixtures.MASTER_KEY,
            Fixtures.ISSUER);

    private static StoredRefreshToken active() {
        return Fixtures.activeRefreshToken("c1", "read write", List.of(), NOW.plusSeconds(600));
    }

    private static RefreshTokenGrant grant(StoredRefreshToken token, String scope, URI... resources) {
        return new RefreshTokenGrant(new RefreshToken("presented"), Optional.ofNullable(scope).map(Fixtures::scope),
                List.of(resources));
    }

    private static StoredRefreshToken with(StoredRefreshToken stored, Function<RefreshTokenRecord, RefreshTokenRecord> change) {
        return new StoredRefreshToken(change.apply(stored.token()), stored.family());
    }

    private static RefreshTokenRecord state(RefreshTokenRecord t, RefreshTokenRecord.State state) {
        return new RefreshTokenRecord(t.hash(), t.familyId(), t.clientId(), t.scope(), t.resources(), t.issuedAt(),
                t.expiresAt(), t.accessExpiresAt(), t.familyExpiresAt(), state, null, null, null, null);
    }

    static Stream<Arguments> refusals() {
        StoredRefreshToken active = active();
        return Stream.of(
                Arguments.of("an unknown token", Optional.empty(), null, "invalid_grant"),
                Arguments.of("another client's token", Optional.of(Fixtures.activeRefreshToken("c2", "read", List.of(),
                        NOW.plusSeconds(600))), null, "invalid_grant"),
                Arguments.of("an expired token", Optional.of(with(active, t -> new RefreshTokenRecord(t.hash(),
                        t.familyId(), t.clientId(), t.scope(), t.resources(), t.issuedAt(), NOW, t.accessExpiresAt(),
                        t.familyExpiresAt(), t.state(), null, null, null, null))), null, "invalid_grant"),
                Arguments.of("a revoked token", Optional.of(with(active, t -> state(t, RefreshTokenRecord.State.REVOKED))),
                        null, "invalid_grant"),
                Arguments.of("a token of a revoked family", Optional.of(new StoredRefreshToken(active.token(),
                        new TokenFamily("family-1", "c1", NOW, null, true))), null, "invalid_grant"),
                Arguments.of("a wider scope than granted", Optional.of(active), "read write admin", "invalid_scope"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refuses(String name, Optional<StoredRefreshToken> read, String scope, String error) {
        GrantOutcome outcome = decision.decide(CLIENT, grant(null, scope), RefreshTokenRead.of(read), NOW);

        assertThat(outcome).isInstanceOfSatisfying(GrantOutcome.Refuse.class,
                refuse -> assertThat(refuse.error().code()).isEqualTo(error));
    }

    @Test
    void aUsableTokenRotatesUnderACompareAndSetKeepingItsFamilyAndScope() {
        StoredRefreshToken current = active();

        GrantOutcome.Issue issue = (GrantOutcome.Issue) decision.decide(CLIENT, grant(current, "read"),
                RefreshTokenRead.of(Optional.of(current)), NOW);

        assertThat(issue.tokens().scope()).as("narrowed as asked").isEqualTo(Fixtures.scope("read"));
        Rotation rotation = ((TokenWrite.Rotate) issue.write()).rotation();
        assertThat(rotation.oldHash()).isEqualTo(current.token().hash());
        assertThat(rotation.successor().familyId()).isEqualTo("family-1");
        assertThat(rotation.successor().scope()).as("RFC 6749 §6: the successor keeps the original scope")
                .isEqualTo(Fixtures.scope("read write"));
        assertThat(rotation.successor().expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(rotation.successor().hash()).isEqualTo(issue.tokens().refreshToken().get().hash());
        assertThat(rotation.sealedSuccessor()).as("no grace window registered").isNull();
    }

    @Test
    void aScopeTheClientLostSinceIsNotGrantedAgain() {
        StoredRefreshToken current = active();
        RegisteredClient narrowed = Fixtures.client("c1", Map.of("scope", "read",
                "grant_types", List.of("client_credentials", "refresh_token")));

        GrantOutcome.Issue issue = (GrantOutcome.Issue) decision.decide(narrowed, grant(current, null),
                RefreshTokenRead.of(Optional.of(current)), NOW);

        assertThat(issue.tokens().scope()).isEqualTo(Fixtures.scope("read"));
    }

    @Test
    void aResourceNotGrantedOriginallyIsRefused() {
        StoredRefreshToken current = Fixtures.activeRefreshToken("c1", "read", List.of(API), NOW.plusSeconds(600));

        GrantOutcome outcome = decision.decide(CLIENT, grant(current, null, URI.create("https://other.example/")),
                RefreshTokenRead.of(Optional.of(current)), NOW);

        assertThat(((GrantOutcome.Refuse) outcome).error().code()).isEqualTo("invalid_target");
    }

    @Test
    void theFamilysAbsoluteEndCapsTheSuccessor() {
        StoredRefreshToken active = active();
        StoredRefreshToken current = new StoredRefreshToken(active.token(),
                TokenFamily.start("family-1", "c1", NOW.minusSeconds(60), NOW.plusSeconds(100)));

        GrantOutcome.Issue issue = (GrantOutcome.Issue) decision.decide(CLIENT, grant(current, null),
                RefreshTokenRead.of(Optional.of(current)), NOW);

        assertThat(((TokenWrite.Rotate) issue.write()).rotation().successor().expiresAt()).isEqualTo(NOW.plusSeconds(100));
    }

    @Test
    void aRotatedTokenPresentedAgainWithoutAGraceWindowRevokesItsFamily() {
        StoredRefreshToken rotated = with(active(), t -> state(t, RefreshTokenRecord.State.ROTATED));

        GrantOutcome outcome = decision.decide(CLIENT, grant(rotated, null), RefreshTokenRead.of(Optional.of(rotated)), NOW);

        assertThat(outcome).isInstanceOfSatisfying(GrantOutcome.RevokeFamily.class, revoke -> {
            assertThat(revoke.familyId()).isEqualTo("family-1");
            assertThat(revoke.error().code()).isEqualTo("invalid_grant");
        });
    }

    /** The three fates of a replay when the client has a grace window. */
    @Test
    void aReplayInsideTheGraceWindowGetsTheSameSuccessorOnlyWhileItIsUnusedAndInTime() {
        StoredRefreshToken current = active();
        GrantOutcome.Issue first = (GrantOutcome.Issue) decision.decide(GRACEFUL, grant(current, null),
                RefreshTokenRead.of(Optional.of(current)), NOW);
        Rotation rotation = ((TokenWrite.Rotate) first.write()).rotation();
        assertThat(rotation.graceUntil()).isEqualTo(NOW.plusSeconds(30));
        RefreshTokenRecord t = current.token();
        StoredRefreshToken rotated = new StoredRefreshToken(new RefreshTokenRecord(t.hash(), t.familyId(), t.clientId(),
                t.scope(), t.resources(), t.issuedAt(), t.expiresAt(), t.accessExpiresAt(), t.familyExpiresAt(),
                RefreshTokenRecord.State.ROTATED, NOW, rotation.successor().hash(), rotation.sealedSuccessor(),
                rotation.graceUntil()), current.family());
        StoredRefreshToken unused = new StoredRefreshToken(rotation.successor(), current.family());
        StoredRefreshToken used = with(unused, s -> state(s, RefreshTokenRecord.State.ROTATED));
        Instant inTime = NOW.plusSeconds(10);

        assertThat(RefreshTokenDecision.successorToRead(Optional.of(rotated), inTime))
                .contains(rotation.successor().hash());
        GrantOutcome retry = decision.decide(GRACEFUL, grant(rotated, null),
                new RefreshTokenRead(Optional.of(rotated), Optional.of(unused)), inTime);
        assertThat(retry).isInstanceOfSatisfying(GrantOutcome.Repeat.class, repeat ->
                assertThat(repeat.tokens()).isEqualTo(first.tokens()));
        assertThat(decision.decide(GRACEFUL, grant(rotated, null),
                new RefreshTokenRead(Optional.of(rotated), Optional.of(used)), inTime))
                .as("the client moved on: a real replay").isInstanceOf(GrantOutcome.RevokeFamily.class);
        Instant late = NOW.plusSeconds(31);
        assertThat(RefreshTokenDecision.successorToRead(Optional.of(rotated), late)).isEmpty();
        assertThat(decision.decide(GRACEFUL, grant(rotated, null), RefreshTokenRead.of(Optional.of(rotated)), late))
                .isInstanceOf(GrantOutcome.RevokeFamily.class);
    }

    @Test
    void aClientNoLongerRegisteredForRefreshIsUnauthorized() {
        StoredRefreshToken current = active();
        RegisteredClient without = Fixtures.client("c1", Map.of("scope", "read write"));

        GrantOutcome outcome = decision.decide(without, grant(current, null), RefreshTokenRead.of(Optional.of(current)),
                NOW);

        assertThat(((GrantOutcome.Refuse) outcome).error().code()).isEqualTo("unauthorized_client");
    }

    @Test
    void onlyARotatedTokenInsideItsWindowAsksForItsSuccessor() {
        assertThat(RefreshTokenDecision.successorToRead(Optional.of(active()), NOW)).isEmpty();
        assertThat(RefreshTokenDecision.successorToRead(Optional.empty(), NOW)).isEmpty();
    }
}
