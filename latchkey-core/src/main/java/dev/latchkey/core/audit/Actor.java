package dev.latchkey.core.audit;

import dev.latchkey.core.account.Account;

/**
 * Who asks for a change, as the audit log names them: a dashboard account (signed in, or through
 * the admin API with its session), a client holding {@code latchkey:admin} (automation), the
 * command line, or the holder of the initial access token. Carries the request's source address.
 *
 * @param account the account, for an account; null otherwise
 * @param admin   may do everything (an admin account, an admin client, the command line)
 */
public record Actor(String id, Account account, boolean admin, String source) {

    public static Actor of(Account account, String source) {
        return new Actor("account:" + account.accountId(), account, account.isAdmin(), source);
    }

    /** A client whose token carries {@code latchkey:admin}: automation with an admin's rights. */
    public static Actor adminClient(String clientId, String source) {
        return new Actor("client:" + clientId, null, true, source);
    }

    /** The server creating the first admin from LATCHKEY_BOOTSTRAP_ADMIN_PASSWORD. */
    public static Actor bootstrap() {
        return new Actor("bootstrap", null, true, null);
    }

    public static Actor commandLine() {
        return new Actor("cli", null, true, null);
    }

    /** Whoever holds the initial access token (RFC 7591 §3). */
    public static Actor registrant(String source) {
        return new Actor("registrant", null, true, source);
    }

    /** A client managing itself with its registration access token (RFC 7592). */
    public static Actor selfManaging(String clientId, String source) {
        return new Actor("client:" + clientId, null, false, source);
    }

    /** The account id owning what this actor creates, or null (admins' clients without an owner). */
    public String accountId() {
        return account == null ? null : account.accountId();
    }
}
