package dev.latchkey.server.signin;

/**
 * What every end-user page shows around its content: its title, the form's CSRF token, an error to
 * show once, and the texts.
 */
public record UserPage(String title, String csrf, String error, Messages t) {
}
