package dev.latchkey.server.convert;

import dev.latchkey.core.error.OAuthError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict {@code application/x-www-form-urlencoded} decoder (WHATWG URL §5.1, as RFC 6749
 * Appendix B uses it). Unlike {@link java.net.URLDecoder} it refuses what it cannot decode exactly:
 * a bad percent escape or bytes that are not UTF-8 are {@code invalid_request}, not silently
 * replaced, so no two different bodies decode to the same parameters.
 */
public final class FormDecoder {

    /** No single value needs more: the longest JWT we issue is under 2 KiB. */
    public static final int MAX_VALUE_CHARS = 8192;

    private FormDecoder() {
    }

    public static Form decode(byte[] body) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        String ascii = new String(body, StandardCharsets.ISO_8859_1);
        int start = 0;
        while (start <= ascii.length()) {
            int end = ascii.indexOf('&', start);
            if (end < 0) {
                end = ascii.length();
            }
            if (end > start) {
                String pair = ascii.substring(start, end);
                int eq = pair.indexOf('=');
                String name = decodeComponent(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decodeComponent(pair.substring(eq + 1));
                if (value.length() > MAX_VALUE_CHARS) {
                    throw OAuthError.INVALID_REQUEST.toException(Descriptions.parameter(name) + " is too long");
                }
                // RFC 6749 §3.2: parameters sent without a value are treated as omitted.
                if (!value.isEmpty()) {
                    parameters.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
                }
            }
            start = end + 1;
        }
        return new Form(parameters);
    }

    /** Decodes one component: {@code +} is a space, {@code %XX} a byte; the bytes must be UTF-8. */
    public static String decodeComponent(String component) {
        if (component.indexOf('%') < 0 && component.indexOf('+') < 0) {
            return requireUtf8(component.getBytes(StandardCharsets.ISO_8859_1));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= component.length()) {
                    throw malformed();
                }
                int high = Character.digit(component.charAt(i + 1), 16);
                int low = Character.digit(component.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw malformed();
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return requireUtf8(bytes.toByteArray());
    }

    private static String requireUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw OAuthError.INVALID_REQUEST.toException("the request body is not valid UTF-8");
        }
    }

    private static RuntimeException malformed() {
        return OAuthError.INVALID_REQUEST.toException("the request body has a malformed percent-encoding");
    }
}
