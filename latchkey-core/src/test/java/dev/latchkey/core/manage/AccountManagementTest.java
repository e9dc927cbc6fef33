package dev.latchkey.core.manage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.PasswordHasher;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.account.Session;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.memory.InMemoryStores;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sign-in, sessions, invitations and passwords, over the in-memory stores and a cheap hash cost. */
class AccountManagementTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores();
    private final PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Cost(256, 1, 1), 2);
    private final AccountManagement accounts = new AccountManagement(stores.accounts(), hasher, clock);
    private final Account root = accounts.createAdmin(Actor.commandLine(), "Root", PASSWORD, true);
    private final Actor admin = Actor.of(root, "10.0.0.1");

    private List<String> auditActions() {
        return stores.audit().list(AuditQuery.latest(100)).stream().map(AuditEvent::action).toList();
    }

    @Test
    void everySignInStartsANewSessionWhoseCookieIsNotStored() {
        AccountManagement.SignedIn first = accounts.signIn("root", PASSWORD, "10.0.0.1");
        AccountManagement.SignedIn second = accounts.signIn("ROOT ", PASSWORD, "10.0.0.1");

        assertThat(first.cookie()).isNotEqualTo(second.cookie());
        assertThat(first.session().sessionHash()).isEqualTo(Secrets.hash(first.cookie()));
        assertThat(accounts.session(first.cookie())).isPresent();
        assertThat(accounts.session(Secrets.hash(first.cookie()))).as("the stored hash is no cookie").isEmpty();
        assertThat(first.account().mustChangePassword()).as("the bootstrap banner").isTrue();
        assertThat(auditActions()).containsExactly("account.sign_in", "account.sign_in", "account.create");
    }

    @Test
    void sessionsEndWhenIdleOrTooOldOrSignedOut() {
        AccountManagement.SignedIn signedIn = accounts.signIn("root", PASSWORD, null);
        clock.advance(Session.IDLE.minusMinutes(1));
        assertThat(accounts.session(signedIn.cookie())).as("used within the idle timeout").isPresent();
        clock.advance(Session.IDLE.minusMinutes(1));
        assertThat(accounts.session(signedIn.cookie())).as("the last request moved the idle timeout").isPresent();
        clock.advance(Session.IDLE.plusSeconds(1));
        assertThat(accounts.session(signedIn.cookie())).as("idle").isEmpty();

        AccountManagement.SignedIn busy = accounts.signIn("root", PASSWORD, null);
        for (int i = 0; i < 12 * 4; i++) {
            clock.advance(Duration.ofMinutes(15));
            accounts.session(busy.cookie());
        }
        assertThat(accounts.session(busy.cookie())).as("absolute timeout").isEmpty();

        AccountManagement.SignedIn leaving = accounts.signIn("root", PASSWORD, null);
        accounts.signOut(leaving, null);
        assertThat(accounts.session(leaving.cookie())).isEmpty();
    }

    @Test
    void aWrongPasswordAndAnUnknownNameAreRefusedAlikeAndThenThrottled() {
        assertThatThrownBy(() -> accounts.signIn("root", "wrong password!".toCharArray(), "10.0.0.9"))
                .isInstanceOf(AccountManagement.SignInRefused.class).hasMessage("The username or the password is wrong");
        assertThatThrownBy(() -> accounts.signIn("nobody", PASSWORD, "10.0.0.9"))
                .isInstanceOf(AccountManagement.SignInRefused.class).hasMessage("The username or the password is wrong");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> accounts.signIn("root", "wrong password!".toCharArray(), "10.0.0.8"))
                    .isInstanceOf(AccountManagement.SignInRefused.class);
        }
        assertThatThrownBy(() -> accounts.signIn("root", PASSWORD, "10.0.0.7"))
                .as("even the right password waits while the name is locked")
                .isInstanceOfSatisfying(AccountManagement.SignInRefused.class,
                        refused -> assertThat(refused.retryAfter()).isPositive());
        clock.advance(Duration.ofSeconds(2));
        assertThat(accounts.signIn("root", PASSWORD, "10.0.0.7").account().username()).isEqualTo("root");
    }

    @Test
    void anInvitationSetsAPasswordOnceWithin72Hours() {
        AccountManagement.Invitation invitation = accounts.invite(admin, "dev@example.com", Role.DEVELOPER);
        assertThatThrownBy(() -> accounts.signIn("dev@example.com", PASSWORD, null))
                .isInstanceOf(AccountManagement.SignInRefused.class);
        assertThat(accounts.invited(invitation.token())).isPresent();

        accounts.acceptInvitation(invitation.token(), "a developer's password".toCharArray(), "10.0.0.5");

        assertThat(accounts.invited(invitation.token())).as("spent").isEmpty();
        assertThat(accounts.signIn("dev@example.com", "a developer's password".toCharArray(), null).account().role())
                .isEqualTo(Role.DEVELOPER);
        AccountManagement.Invitation late = accounts.invite(admin, "late", Role.DEVELOPER);
        clock.advance(AccountManagement.INVITATION_TTL.plusSeconds(1));
        assertThat(accounts.invited(late.token())).isEmpty();
        assertThatThrownBy(() -> accounts.invite(admin, "late", Role.DEVELOPER)).isInstanceOf(ManagementException.class);
    }

    @Test
    void aDeveloperCannotManageAccountsAndAnAdminCannotLockThemselvesOut() {
        AccountManagement.Invitation invitation = accounts.invite(admin, "dev", Role.DEVELOPER);
        Account dev = accounts.acceptInvitation(invitation.token(), "a developer's password".toCharArray(), null);
        Actor developer = Actor.of(dev, null);
        assertThatThrownBy(() -> accounts.invite(developer, "other", Role.ADMIN)).isInstanceOf(ManagementException.class);
        assertThatThrownBy(() -> accounts.changeRole(developer, dev.accountId(), Role.ADMIN))
                .isInstanceOf(ManagementException.class);
        assertThatThrownBy(() -> accounts.setDisabled(admin, root.accountId(), true))
                .isInstanceOf(ManagementException.class);
        assertThatThrownBy(() -> accounts.changeRole(admin, root.accountId(), Role.DEVELOPER))
                .isInstanceOf(ManagementException.class);
    }

    @Test
    void disablingOrResettingEndsEverySessionOfTheAccount() {
        AccountManagement.Invitation invitation = accounts.invite(admin, "dev", Role.DEVELOPER);
        accounts.acceptInvitation(invitation.token(), "a developer's password".toCharArray(), null);
        AccountManagement.SignedIn session = accounts.signIn("dev", "a developer's password".toCharArray(), null);

        Account dev = accounts.setDisabled(admin, session.account().accountId(), true);
        assertThat(accounts.session(session.cookie())).isEmpty();
        assertThatThrownBy(() -> accounts.signIn("dev", "a developer's password".toCharArray(), null))
                .isInstanceOf(AccountManagement.SignInRefused.class);
        accounts.setDisabled(admin, dev.accountId(), false);

        AccountManagement.SignedIn again = accounts.signIn("dev", "a developer's password".toCharArray(), null);
        AccountManagement.Invitation reset = accounts.resetPassword(admin, dev.accountId());
        assertThat(accounts.session(again.cookie())).isEmpty();
        assertThatThrownBy(() -> accounts.signIn("dev", "a developer's password".toCharArray(), null))
                .as("the old password stops working").isInstanceOf(AccountManagement.SignInRefused.class);
        accounts.acceptInvitation(reset.token(), "a brand new password".toCharArray(), null);
        assertThat(accounts.signIn("dev", "a brand new password".toCharArray(), null)).isNotNull();
    }

    @Test
    void changingThePasswordNeedsTheCurrentOneAndClearsTheBanner() {
        AccountManagement.SignedIn other = accounts.signIn("root", PASSWORD, null);
        assertThatThrownBy(() -> accounts.changePassword(admin, "not it at all".toCharArray(),
                "another long password".toCharArray())).isInstanceOf(ManagementException.class);
        assertThatThrownBy(() -> accounts.changePassword(admin, PASSWORD, "short".toCharArray()))
                .isInstanceOf(ManagementException.class);

        AccountManagement.SignedIn fresh = accounts.changePassword(admin, PASSWORD,
                "another long password".toCharArray());

        assertThat(fresh.account().mustChangePassword()).isFalse();
        assertThat(accounts.session(other.cookie())).as("other browsers are signed out").isEmpty();
        assertThat(accounts.session(fresh.cookie())).isPresent();
    }

    @Test
    void aHashOfAnOlderCostIsReplacedAtTheNextSignIn() {
        PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Cost(512, 1, 1), 2);
        AccountManagement upgraded = new AccountManagement(stores.accounts(), stronger, clock);
        assertThat(stronger.needsRehash(root.passwordHash())).isTrue();

        upgraded.signIn("root", PASSWORD, null);

        String stored = stores.accounts().find(root.accountId()).orElseThrow().passwordHash();
        assertThat(stored).startsWith("$argon2id$v=19$m=512,t=1,p=1$");
        assertThat(stronger.needsRehash(stored)).isFalse();
    }

    @Test
    void theCsrfTokenBelongsToItsSession() {
        AccountManagement.SignedIn one = accounts.signIn("root", PASSWORD, null);
        AccountManagement.SignedIn two = accounts.signIn("root", PASSWORD, null);
        String token = AccountManagement.csrfToken(one.cookie());
        assertThat(AccountManagement.csrfMatches(one.cookie(), token)).isTrue();
        assertThat(AccountManagement.csrfMatches(two.cookie(), token)).isFalse();
        assertThat(AccountManagement.csrfMatches(one.cookie(), null)).isFalse();
        assertThat(AccountManagement.csrfMatches(one.cookie(), "")).isFalse();
    }

    @Test
    void theStandardCostIsOwasps() {
        String phc = PasswordHasher.standard().hash(PASSWORD);
        assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHasher.standard().verify(PASSWORD, phc)).isTrue();
        assertThat(PasswordHasher.standard().verify("wrong".toCharArray(), phc)).isFalse();
        assertThat(PasswordHasher.standard().verify(PASSWORD, "$argon2id$garbage")).isFalse();
    }
}
