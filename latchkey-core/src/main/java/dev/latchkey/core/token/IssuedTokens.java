package dev.latchkey.core.token;

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
 */
public record IssuedTokens(
        AccessToken accessToken,
        TokenFormat format,
        Instant issuedAt,
        Instant expiresAt,
        Scope scope,
        Optional<RefreshToken> refreshToken,
        Optional<String> idToken) {

    /** Tokens without an id_token: every grant but an OpenID Connect authorization. */
    public IssuedTokens(AccessToken accessToken, TokenFormat format, Instant issuedAt, Instant expiresAt, Scope scope,
            Optional<RefreshToken> refreshToken) {
        this(accessToken, format, issuedAt, expiresAt, scope, refreshToken, Optional.empty());
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
            return new IssuedTokens(access, format, issued, expires, scope,
                    refresh.isEmpty() ? Optional.empty() : Optional.of(new RefreshToken(refresh)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
