package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.DeviceCodeGrant;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IdTokenMinter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The device authorization grant at the token endpoint, RFC 8628 §3.4-§3.5, as a decision over
 * values: the client, the device authorization as stored (empty if unknown) and the time.
 *
 * <p>While the person has not decided: {@code authorization_pending}, or {@code slow_down} when the
 * client polls sooner than its interval, which then grows by 5 seconds; a client that keeps the
 * interval gets it back to {@link DeviceAuthorization#DEFAULT_INTERVAL} ({@link #nextInterval}).
 * Then {@code access_denied}, {@code expired_token}, or the user's tokens ({@link UserTokens}).
 * A device code presented after its redemption revokes what it issued. Thread-safe.
 */
public final class DeviceCodeDecision {

    public static final OAuthError AUTHORIZATION_PENDING = new OAuthError("authorization_pending",
            "The user has not yet completed the authorization", null, 400);
    public static final OAuthError SLOW_DOWN = new OAuthError("slow_down",
            "Polling too fast: wait the interval, which grew by 5 seconds", null, 400);
    public static final OAuthError EXPIRED_TOKEN = new OAuthError("expired_token",
            "The device code has expired; start again", null, 400);

    private final UserTokens tokens;

    public DeviceCodeDecision(AccessTokenMinter minter, IdTokenMinter idTokens, String defaultAudience) {
        this.tokens = new UserTokens(minter, idTokens, new Audiences(defaultAudience));
    }

    /** True if this poll came sooner than the interval the client must keep (RFC 8628 §3.5). */
    public static boolean tooSoon(DeviceAuthorization device, Instant now) {
        return device.lastPollAt() != null
                && Duration.between(device.lastPollAt(), now).getSeconds() < device.interval();
    }

    /** The interval from this poll on: 5 seconds more after a {@code slow_down}, the default once the client complies. */
    public static int nextInterval(DeviceAuthorization device, Instant now) {
        return tooSoon(device, now) ? device.interval() + 5 : DeviceAuthorization.DEFAULT_INTERVAL;
    }

    public GrantOutcome decide(RegisteredClient client, DeviceCodeGrant grant, Optional<DeviceAuthorization> read,
            Instant precise) {
        return decide(client, grant, read, null, precise);
    }

    /** @param proven the key the request proved possession of (a DPoP proof's), or null: the tokens' binding */
    public GrantOutcome decide(RegisteredClient client, DeviceCodeGrant grant, Optional<DeviceAuthorization> read,
            dev.latchkey.core.secret.Confirmation proven, Instant precise) {
        Instant now = precise.truncatedTo(ChronoUnit.SECONDS);
        if (!client.metadata().allows(GrantType.DEVICE_CODE)) {
            return new GrantOutcome.Refuse(OAuthError.UNAUTHORIZED_CLIENT
                    .withDescription("the device_code grant is not registered for this client"));
        }
        if (read.isEmpty() || !read.get().clientId().equals(client.clientId())) {
            return new GrantOutcome.Refuse(OAuthError.INVALID_GRANT.withDescription("The device code is not valid"));
        }
        DeviceAuthorization device = read.get();
        switch (device.status()) {
            case REDEEMED:
                return new GrantOutcome.RevokeFamily(device.familyId(), OAuthError.INVALID_GRANT.withDescription(
                        "The device code was already used; the tokens issued from it are revoked"));
            case DENIED:
                return new GrantOutcome.Refuse(OAuthError.ACCESS_DENIED.withDescription("The user denied the request"));
            default:
                break;
        }
        if (device.isExpired(now)) {
            return new GrantOutcome.Refuse(EXPIRED_TOKEN);
        }
        if (device.status() == DeviceAuthorization.Status.PENDING) {
            return new GrantOutcome.Refuse(tooSoon(device, precise) ? SLOW_DOWN : AUTHORIZATION_PENDING);
        }
        UserTokens.Issued issued = tokens.issue(client, device.accountId(), device.scope(), List.of(),
                device.authTime(), null, proven, precise);
        return new GrantOutcome.Issue(issued.tokens(), new TokenWrite.RedeemDevice(device.hash(), issued.start()));
    }
}
