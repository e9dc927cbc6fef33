package dev.latchkey.server.web;

import dev.latchkey.server.render.ErrorResponses;
import dev.latchkey.server.render.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error pages (a request line or headers too large, a malformed request) as OAuth JSON,
 * so that no answer of this server is HTML or a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
        return ByteBuffer.wrap(body(status));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=UTF-8");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    private static byte[] body(int status) {
        String reason = HttpStatus.getMessage(status);
        return Json.bytes(ErrorResponses.body(ErrorResponses.forStatus(status, "HTTP " + status + " " + reason)));
    }
}
