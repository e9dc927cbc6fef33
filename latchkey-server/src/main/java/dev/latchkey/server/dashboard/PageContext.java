package dev.latchkey.server.dashboard;

import dev.latchkey.core.account.Account;

/**
 * What every page shows around its content: its title, the section of the navigation it belongs to,
 * the signed-in account (null on the sign-in page), the session's CSRF token for its forms, and a
 * notice or an error to show once.
 */
public record PageContext(String title, String section, Account account, String csrf, String notice, String error) {

    public boolean signedIn() {
        return account != null;
    }

    public boolean admin() {
        return account != null && account.isAdmin();
    }

    /** The bootstrap admin's password must be changed: the banner. */
    public boolean mustChangePassword() {
        return account != null && account.mustChangePassword();
    }

    public PageContext withError(String message) {
        return new PageContext(title, section, account, csrf, notice, message);
    }

    public PageContext titled(String newTitle) {
        return new PageContext(newTitle, section, account, csrf, notice, error);
    }
}
