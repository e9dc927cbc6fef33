package dev.latchkey.core.token;

import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.AccessToken;
import dev.latchkey.core.secret.RefreshToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a successful grant hands out: the access token, when it was issued and expires, its scope,
 * and the refresh token if the client gets one. Profiles in the HTTP layer render it (RFC 6749
 * §5.1 by default). Holds secrets: {@link #toString()} shows fingerprints only.
 *
 * @param confirmation the key the access token is bound to, or null (a bearer token): a DPoP key
 *                     makes its {@code token_type} {@code DPoP} (RFC 9449 §5)
 */
public record IssuedTokens(
        AccessToken accessToken,
        TokenFormat format,
        Instant issuedAt,
        Instant expiresAt,
        Scope scope,
        Optional<RefreshToken> refreshToken,
        Optional<String> idToken,
        Confirmation confirmation) {

    /** Tokens without an id_token: every grant but an OpenID Connect authorization. */
    public IssuedTokens(AccessToken accessToken, TokenFormat format, Instant issuedAt, Instant expiresAt, Scope scope,
            Optional<RefreshToken> refreshToken) {
        this(accessToken, format, issuedAt, expiresAt, scope, refreshToken, Optional.empty(), null);
    }

    /** Bearer tokens. */
    public IssuedTokens(AccessToken accessToken, TokenFormat format, Instant issuedAt, Instant expiresAt, Scope scope,
            Optional<RefreshToken> refreshToken, Optional<String> idToken) {
        this(accessToken, format, issuedAt, expiresAt, scope, refreshToken, idToken, null);
    }

    /** The access token as minted, with what came with it. */
    public static IssuedTokens of(MintedAccessToken access, Instant issuedAt, Scope scope,
            Optional<RefreshToken> refreshToken, Optional<String> idToken) {
        return new IssuedTokens(access.token(), access.format(), issuedAt, access.expiresAt(), scope, refreshToken,
                idToken, access.confirmation());
    }

    /** RFC 6749 §5.1 {@code token_type}: {@code DPoP} for a DPoP-bound token (RFC 9449 §5), else {@code Bearer}. */
    public String tokenType() {
        return Confirmation.tokenType(confirmation);
    }

    /** Lifetime in whole seconds, RFC 6749 §5.1 {@code expires_in}. */
    public long expiresIn() {
        return Duration.between(issuedAt, expiresAt).toSeconds();
    }

    /** A compact binary form, sealed under the master key while a reuse grace window lasts. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(accessToken.value());
            out.writeUTF(format.wireName());
            out.writeLong(issuedAt.getEpochSecond());
            out.writeLong(expiresAt.getEpochSecond());
            out.writeUTF(scope.toString());
            out.writeUTF(refreshToken.map(RefreshToken::value).orElse(""));
            out.writeUTF(confirmation == null ? "" : confirmation.toColumn()); // absent in forms sealed before it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static IssuedTokens fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            AccessToken access = new AccessToken(in.readUTF());
            TokenFormat format = TokenFormat.fromWire(in.readUTF()).orElseThrow();
            Instant issued = Instant.ofEpochSecond(in.readLong());
            Instant expires = Instant.ofEpochSecond(in.readLong());
            Scope scope = Scope.parse(in.readUTF(), dev.latchkey.core.error.OAuthError.SERVER_ERROR);
            String refresh = in.readUTF();
            String bound = in.available() > 0 ? in.readUTF() : "";
            return new IssuedTokens(access, format, issued, expires, scope,
                    refresh.isEmpty() ? Optional.empty() : Optional.of(new RefreshToken(refresh)), Optional.empty(),
                    bound.isEmpty() ? null : Confirmation.fromColumn(bound));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
