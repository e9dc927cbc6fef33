package dev.latchkey.core.manage;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditEvents;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.PasswordHasher;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.account.Session;
import dev.latchkey.core.account.SignInThrottle;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.AccountStore;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dashboard accounts: bootstrap, sign-in, sessions, passwords, invitations, roles. Every change
 * writes exactly one audit entry in the transaction that makes it.
 *
 * <p>Sign-in: the password is checked with Argon2id ({@link PasswordHasher}), an unknown name costs
 * the same as a wrong password, and both are throttled per name and per source address
 * ({@link SignInThrottle}). A hash made with an older cost is replaced at the next sign-in.
 *
 * <p>Sessions: the cookie holds 256 random bits; the store keeps only their SHA-256, with idle and
 * absolute timeouts ({@link Session}). A sign-in always starts a new session (no fixation). The
 * CSRF token of a session is derived from its cookie ({@link #csrfToken}): whoever cannot read the
 * cookie cannot compute it, and nothing more is stored. Thread-safe.
 */
public final class AccountManagement {

    /** A refused sign-in: wrong name or password, or too many tries ({@code retryAfter} > 0). */
    public static final class SignInRefused extends RuntimeException {
        private final Duration retryAfter;

        SignInRefused(Duration retryAfter) {
            super(retryAfter.isZero() ? "The username or the password is wrong"
                    : "Too many failed sign-ins; try again in " + Math.max(1, retryAfter.toSeconds()) + " s");
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** A signed-in browser: the cookie's value (a secret) and the session as stored. */
    public record SignedIn(String cookie, Session session, Account account) {
        @Override
        public String toString() {
            return "SignedIn[account=" + account.accountId() + "]";
        }
    }

    /** A one-time link's token (shown once) and the account it opens. */
    public record Invitation(Account account, String token) {
        @Override
        public String toString() {
            return "Invitation[account=" + account.accountId() + "]";
        }
    }

    public static final Duration INVITATION_TTL = Duration.ofHours(72);
    private static final int MIN_PASSWORD = 12;
    private static final int MAX_PASSWORD = 256;
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{1,63}");

    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final SignInThrottle throttle;
    private final AuditEvents audits;
    private final Clock clock;

    public AccountManagement(AccountStore accounts, PasswordHasher hasher, Clock clock) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.throttle = new SignInThrottle(clock);
        this.audits = new AuditEvents(clock);
        this.clock = clock;
    }

    /** An admin with a password, from the command line or the bootstrap variable. */
    public Account createAdmin(Actor actor, String username, char[] password, boolean mustChangePassword) {
        String name = username(username);
        requireStrong(password);
        Instant now = now();
        Account account = new Account("acc_" + Secrets.random128(), name, Role.ADMIN, hasher.hash(password), false,
                mustChangePassword, null, null, now, now);
        accounts.insert(account, audits.event(actor, "account.create", "account", account.accountId(), null, null,
                AuditEvents.describe(account)));
        return account;
    }

    /**
     * An end user with a password: by an admin (the admin API) or the command line
     * ({@code user create}). Usernames are shared with the dashboard's accounts.
     */
    public Account createUser(Actor actor, String username, char[] password) {
        return createUser(actor, username, password, null);
    }

    /** The same, with the user's e-mail address (the {@code email} claim), or null. */
    public Account createUser(Actor actor, String username, char[] password, String email) {
        if (!actor.admin()) {
            throw ManagementException.forbidden("only an admin creates users");
        }
        String name = username(username);
        requireStrong(password);
        if (accounts.findByUsername(name).isPresent()) {
            throw ManagementException.conflict("username " + name + " is taken");
        }
        Instant now = now();
        Account account = new Account("usr_" + Secrets.random128(), name, Role.USER, hasher.hash(password), false,
                false, null, null, now, now, email(email));
        accounts.insert(account, audits.event(actor, "account.create", "account", account.accountId(), null, null,
                AuditEvents.describe(account)));
        return account;
    }

    /**
     * A person creates their own user account (the operator allowed sign-up) and is signed in. The
     * same rules as any account; a taken name is refused in the same words as any other invalid one
     * would be named, without saying whose it is. Audited as the new account itself.
     */
    public SignedIn signUp(String username, char[] password, String source) {
        return signUp(username, password, null, source);
    }

    /** The same, with an e-mail address (optional: null or blank for none). */
    public SignedIn signUp(String username, char[] password, String email, String source) {
        // Each address gets a few sign-ups, then waits longer for each (as failed sign-ins do).
        String key = "sign-up:" + source;
        Duration wait = throttle.wait(key, null);
        if (!wait.isZero()) {
            throw new SignInRefused(wait);
        }
        String name = username(username);
        requireStrong(password);
        if (accounts.findByUsername(name).isPresent()) {
            throw ManagementException.conflict("that username is taken; choose another");
        }
        Instant now = now();
        Account account = new Account("usr_" + Secrets.random128(), name, Role.USER, hasher.hash(password), false,
                false, null, null, now, now, email(email));
        accounts.insert(account, audits.event(Actor.of(account, source), "account.sign_up", "account",
                account.accountId(), null, null, AuditEvents.describe(account)));
        throttle.failed(key, null);
        return startSession(account, null);
    }

    /** Ends every session of the signed-in account, this one included. */
    public void signOutEverywhere(SignedIn signedIn) {
        accounts.deleteSessions(signedIn.account().accountId());
    }

    /** True if no account exists yet: the bootstrap may create the first admin. */
    public boolean isEmpty() {
        return accounts.count() == 0;
    }

    /**
     * Checks a name and password; the answer takes as long for an unknown name as for a wrong
     * password. Throws {@link SignInRefused}; a sign-in through {@link #signIn} also starts a session.
     */
    public Account authenticate(String username, char[] password, String source) {
        return authenticate(username, password, source, role -> role != Role.USER);
    }

    /**
     * The same, for accounts whose role {@code allowed} accepts: an account of another role is
     * refused exactly as a wrong password (the dashboard takes admins and developers, the end
     * users' login only users).
     */
    public Account authenticate(String username, char[] password, String source,
            java.util.function.Predicate<Role> allowed) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        Duration wait = throttle.wait(name, source);
        if (!wait.isZero()) {
            throw new SignInRefused(wait);
        }
        Optional<Account> found = name.isEmpty() ? Optional.empty() : accounts.findByUsername(name);
        found = found.filter(account -> allowed.test(account.role()));
        boolean valid = found.filter(Account::canSignIn).isPresent()
                ? hasher.verify(password, found.get().passwordHash())
                : hasher.verifyNothing(password);
        if (!valid) {
            throttle.failed(name, source);
            throw new SignInRefused(Duration.ZERO);
        }
        throttle.succeeded(name);
        Account account = found.get();
        if (hasher.needsRehash(account.passwordHash())) {
            // Today's cost, now that the password is at hand; part of the sign-in, audited with it.
            Account rehashed = account.withPassword(hasher.hash(password), account.mustChangePassword(), now());
            accounts.update(rehashed, null);
            account = rehashed;
        }
        return account;
    }

    /** Signs in: a new session (a new id at every sign-in), one audit entry. */
    public SignedIn signIn(String username, char[] password, String source) {
        return signIn(username, password, source, role -> role != Role.USER);
    }

    /** Signs in an account whose role {@code allowed} accepts. */
    public SignedIn signIn(String username, char[] password, String source,
            java.util.function.Predicate<Role> allowed) {
        Account account = authenticate(username, password, source, allowed);
        return startSession(account, audits.event(Actor.of(account, source), "account.sign_in", "account",
                account.accountId(), null, null, null));
    }

    /** The signed-in account of a cookie, if its session lives; records the request for the idle timeout. */
    public Optional<SignedIn> session(String cookie) {
        if (cookie == null || cookie.length() > 100) {
            return Optional.empty();
        }
        Instant now = now();
        Optional<AccountStore.SessionOf> found = accounts.findSessionWithAccount(Secrets.hash(cookie));
        Optional<Session> session = found.map(AccountStore.SessionOf::session);
        if (session.isEmpty() || !session.get().isLive(now)) {
            return Optional.empty();
        }
        Optional<Account> account = found.map(AccountStore.SessionOf::account).filter(a -> !a.disabled());
        if (account.isEmpty()) {
            return Optional.empty();
        }
        // One write a minute at most per session: enough for a 30-minute idle timeout.
        if (Duration.between(session.get().lastSeenAt(), now).toSeconds() >= 60) {
            accounts.touchSession(session.get().sessionHash(), now);
        }
        return Optional.of(new SignedIn(cookie, session.get(), account.get()));
    }

    public void signOut(SignedIn signedIn, String source) {
        accounts.deleteSession(signedIn.session().sessionHash(), audits.event(Actor.of(signedIn.account(), source),
                "account.sign_out", "account", signedIn.account().accountId(), null, null, null));
    }

    /** The CSRF token of the session behind {@code cookie}: SHA-256 of it with a purpose. */
    public static String csrfToken(String cookie) {
        return Secrets.hash("latchkey-csrf:" + cookie);
    }

    /** True if {@code presented} is the session's CSRF token (compared in constant time). */
    public static boolean csrfMatches(String cookie, String presented) {
        return cookie != null && presented != null && MessageDigest.isEqual(
                csrfToken(cookie).getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The account changes its own password (the current one required): every session of it ends,
     * and a new one starts for the browser that asked.
     */
    public SignedIn changePassword(Actor actor, char[] current, char[] replacement) {
        Account account = actor.account();
        if (account == null || !hasher.verify(current, account.passwordHash())) {
            throw ManagementException.invalid("the current password is wrong");
        }
        requireStrong(replacement);
        Account changed = account.withPassword(hasher.hash(replacement), false, now());
        accounts.update(changed, audits.event(actor, "account.password.change", "account", account.accountId(),
                null, null, null));
        accounts.deleteSessions(account.accountId());
        return startSession(changed, null);
    }

    private SignedIn startSession(Account account, AuditEvent audit) {
        Instant now = now();
        String cookie = Secrets.random256();
        Session session = new Session(Secrets.hash(cookie), account.accountId(), now, now, now.plus(Session.ABSOLUTE));
        accounts.insertSession(session, audit);
        return new SignedIn(cookie, session, account);
    }

    /** An admin invites someone: an account without a password and a one-time link, valid 72 hours. */
    public Invitation invite(Actor actor, String username, Role role) {
        requireAdmin(actor);
        String name = username(username);
        if (accounts.findByUsername(name).isPresent()) {
            throw ManagementException.conflict("username " + name + " is taken");
        }
        Instant now = now();
        String token = Secrets.random256();
        Account account = new Account("acc_" + Secrets.random128(), name, role, null, false, false,
                Secrets.hash(token), now.plus(INVITATION_TTL), now, now);
        accounts.insert(account, audits.event(actor, "account.invite", "account", account.accountId(), null, null,
                AuditEvents.describe(account)));
        return new Invitation(account, token);
    }

    /** The account a one-time link opens, while it is valid. */
    public Optional<Account> invited(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        return accounts.findByInvitation(Secrets.hash(token))
                .filter(account -> account.inviteExpiresAt() != null && now().isBefore(account.inviteExpiresAt())
                        && !account.disabled());
    }

    /** The invited person sets their password; the link is spent. */
    public Account acceptInvitation(String token, char[] password, String source) {
        Account account = invited(token).orElseThrow(() -> ManagementException.notFound("invitation"));
        requireStrong(password);
        Account accepted = account.withPassword(hasher.hash(password), false, now());
        accounts.update(accepted, audits.event(Actor.of(account, source), "account.invitation.accept", "account",
                account.accountId(), null, AuditEvents.describe(account), AuditEvents.describe(accepted)));
        return accepted;
    }

    /** An admin resets a password: the old one stops working, a new one-time link is made. */
    public Invitation resetPassword(Actor actor, String accountId) {
        requireAdmin(actor);
        Account account = find(accountId);
        String token = Secrets.random256();
        Instant now = now();
        Account reset = new Account(account.accountId(), account.username(), account.role(), null, account.disabled(),
                false, Secrets.hash(token), now.plus(INVITATION_TTL), account.createdAt(), now);
        accounts.update(reset, audits.event(actor, "account.password.reset", "account", accountId, null,
                AuditEvents.describe(account), AuditEvents.describe(reset)));
        accounts.deleteSessions(accountId);
        return new Invitation(reset, token);
    }

    public Account setDisabled(Actor actor, String accountId, boolean disabled) {
        requireAdmin(actor);
        Account account = find(accountId);
        if (disabled && actor.accountId() != null && actor.accountId().equals(accountId)) {
            throw ManagementException.invalid("you cannot disable yourself");
        }
        Account changed = account.withDisabled(disabled, now());
        accounts.update(changed, audits.event(actor, disabled ? "account.disable" : "account.enable", "account",
                accountId, null, AuditEvents.describe(account), AuditEvents.describe(changed)));
        if (disabled) {
            accounts.deleteSessions(accountId);
        }
        return changed;
    }

    public Account changeRole(Actor actor, String accountId, Role role) {
        requireAdmin(actor);
        Account account = find(accountId);
        if (actor.accountId() != null && actor.accountId().equals(accountId) && role != Role.ADMIN) {
            throw ManagementException.invalid("you cannot take your own admin role");
        }
        Account changed = account.withRole(role, now());
        accounts.update(changed, audits.event(actor, "account.role", "account", accountId, null,
                AuditEvents.describe(account), AuditEvents.describe(changed)));
        return changed;
    }

    public List<Account> list(Actor actor) {
        requireAdmin(actor);
        return accounts.all();
    }

    public Account find(String accountId) {
        return accounts.find(accountId).orElseThrow(() -> ManagementException.notFound("account"));
    }

    /** The account with this id, if there is one. */
    public Optional<Account> lookup(String accountId) {
        return accounts.find(accountId);
    }

    public Optional<Account> byUsername(String username) {
        return accounts.findByUsername(username.strip().toLowerCase(Locale.ROOT));
    }

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    /** An e-mail address as given (trimmed), null for none; refused if it cannot be one. */
    private static String email(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        String trimmed = email.strip();
        if (trimmed.length() > 254 || !EMAIL.matcher(trimmed).matches()) {
            throw ManagementException.invalid("the e-mail address is not valid");
        }
        return trimmed;
    }

    private static String username(String username) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw ManagementException.invalid("a username is 2 to 64 letters, digits or . _ @ -");
        }
        return name;
    }

    private static void requireStrong(char[] password) {
        if (password == null || password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
            throw ManagementException.invalid("a password is " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw ManagementException.forbidden("only an admin may do this");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
