package dev.latchkey.core.account;

import java.time.Instant;

/**
 * A dashboard account as stored. Holds no secret in clear: the password as an Argon2id PHC string,
 * a pending invitation as the SHA-256 of its one-time token.
 *
 * @param username           lower-cased, unique
 * @param passwordHash       null until the invitation is accepted
 * @param mustChangePassword true for the bootstrap admin until its password is changed (the banner)
 * @param inviteHash         the invitation (or password reset) waiting, or null
 * @param email              an end user's e-mail address (OIDC Core §5.1 {@code email}), or null
 */
public record Account(String accountId, String username, Role role, String passwordHash, boolean disabled,
        boolean mustChangePassword, String inviteHash, Instant inviteExpiresAt, Instant createdAt, Instant updatedAt,
        String email) {

    /** An account without an e-mail address (the dashboard's accounts have none). */
    public Account(String accountId, String username, Role role, String passwordHash, boolean disabled,
            boolean mustChangePassword, String inviteHash, Instant inviteExpiresAt, Instant createdAt,
            Instant updatedAt) {
        this(accountId, username, role, passwordHash, disabled, mustChangePassword, inviteHash, inviteExpiresAt,
                createdAt, updatedAt, null);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** May sign in: not disabled, and has a password. */
    public boolean canSignIn() {
        return !disabled && passwordHash != null;
    }

    public Account withPassword(String hash, boolean mustChange, Instant now) {
        return new Account(accountId, username, role, hash, disabled, mustChange, null, null, createdAt, now, email);
    }

    public Account withInvitation(String hash, Instant expiresAt, Instant now) {
        return new Account(accountId, username, role, passwordHash, disabled, mustChangePassword, hash, expiresAt,
                createdAt, now, email);
    }

    public Account withRole(Role newRole, Instant now) {
        return new Account(accountId, username, newRole, passwordHash, disabled, mustChangePassword, inviteHash,
                inviteExpiresAt, createdAt, now, email);
    }

    public Account withDisabled(boolean isDisabled, Instant now) {
        return new Account(accountId, username, role, passwordHash, isDisabled, mustChangePassword, inviteHash,
                inviteExpiresAt, createdAt, now, email);
    }
}
