package dev.latchkey.server.signin;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The end users' page texts, from the resource bundle {@code signin/messages} (English by default).
 * Templates ask for a text by key; arguments are formatted here, escaped by the template.
 */
public final class Messages {

    private final ResourceBundle bundle;

    private Messages(ResourceBundle bundle) {
        this.bundle = bundle;
    }

    public static Messages of(Locale locale) {
        return new Messages(ResourceBundle.getBundle("signin.messages", locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
    }

    public static Messages english() {
        return of(Locale.ROOT);
    }

    /** The text of {@code key}, with {@code arguments} in its {@code {0}} places; the key itself if absent. */
    public String get(String key, Object... arguments) {
        try {
            String text = bundle.getString(key);
            return arguments.length == 0 ? text : new MessageFormat(text, Locale.ROOT).format(arguments);
        } catch (MissingResourceException e) {
            return key;
        }
    }

    public boolean has(String key) {
        return bundle.containsKey(key);
    }
}
