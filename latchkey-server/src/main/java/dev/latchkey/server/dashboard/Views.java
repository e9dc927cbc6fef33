package dev.latchkey.server.dashboard;

import dev.latchkey.server.render.Reply;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pages, rendered from JTE templates compiled at build time (src/main/jte), which escape every
 * value for its HTML context. Every dashboard answer carries the security headers: a
 * Content-Security-Policy whose scripts and styles come from this server only (no inline ones, no
 * handlers in attributes), no framing, no referrer, no sniffing, no caching.
 */
public final class Views {

    /** {@code 'self'} only: the one stylesheet; the pages have no script. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static final class Engine {
        static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);
    }

    private Views() {
    }

    public static Map<String, String> securityHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Cache-Control", "no-store");
        return headers;
    }

    public static Reply page(int status, String template, Map<String, Object> parameters) {
        Utf8ByteOutput output = new Utf8ByteOutput();
        Engine.TEMPLATES.render(template + ".jte", parameters, output);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(output.getContentLength());
        try {
            output.writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> headers = securityHeaders();
        headers.put("Content-Type", "text/html; charset=utf-8");
        return new Reply(status, headers, bytes.toByteArray());
    }

    /** 303 See Other (RFC 9110 §15.4.4): after a form's POST, the browser GETs the result. */
    public static Reply redirect(String location) {
        return redirect(location, null);
    }

    public static Reply redirect(String location, String setCookie) {
        Map<String, String> headers = securityHeaders();
        headers.put("Location", location);
        if (setCookie != null) {
            headers.put("Set-Cookie", setCookie);
        }
        return new Reply(303, headers, new byte[0]);
    }
}
