package dev.latchkey.server.convert;

/**
 * Makes request-supplied text safe to name in an {@code error_description}: RFC 6749 §5.2 allows
 * only printable ASCII without {@code "} and {@code \}, and a description must stay short. Only
 * parameter <em>names</em> ever pass through here, never values, which may be secrets.
 */
final class Descriptions {

    private static final int MAX = 40;

    private Descriptions() {
    }

    static String parameter(String name) {
        StringBuilder safe = new StringBuilder(Math.min(name.length(), MAX));
        for (int i = 0; i < name.length() && safe.length() < MAX; i++) {
            char c = name.charAt(i);
            safe.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? c : '?');
        }
        return name.length() > MAX ? safe + "..." : safe.toString();
    }
}
