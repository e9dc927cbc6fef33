package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who a client may exchange tokens of, and for which audiences (RFC 8693 leaves the policy to the
 * server; Latchkey denies by default). Registration members:
 * <pre>{"token_exchange_subject_clients": ["web-frontend"], "token_exchange_audiences": ["https://orders.example/"]}</pre>
 * A client registered for the token exchange grant may exchange an access token issued to one of
 * {@code subjectClients} (itself only if listed) for a token whose audience is among {@code audiences}.
 * Set with the initial access token or by an admin; a client's own registration access token may only
 * narrow it. Immutable.
 */
public record TokenExchangePolicy(List<String> subjectClients, List<String> audiences) {

    public static final TokenExchangePolicy NONE = new TokenExchangePolicy(List.of(), List.of());
    static final int MAX_ENTRIES = 20;

    public TokenExchangePolicy {
        subjectClients = List.copyOf(subjectClients);
        audiences = List.copyOf(audiences);
    }

    public boolean allowsSubjectOf(String clientId) {
        return subjectClients.contains(clientId);
    }

    public boolean allowsAudience(String audience) {
        return audiences.contains(audience);
    }

    static TokenExchangePolicy parse(Map<String, ?> json) {
        List<String> subjects = strings(json, "token_exchange_subject_clients");
        List<String> audiences = new ArrayList<>();
        for (String audience : strings(json, "token_exchange_audiences")) {
            audiences.add(ClientMetadata.resourceUri(audience, OAuthError.INVALID_CLIENT_METADATA).toString());
        }
        return subjects.isEmpty() && audiences.isEmpty() ? NONE : new TokenExchangePolicy(subjects, audiences);
    }

    private static List<String> strings(Map<String, ?> json, String name) {
        Object value = json.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || list.size() > MAX_ENTRIES
                || !list.stream().allMatch(item -> item instanceof String text && !text.isBlank() && text.length() <= 255)) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException(name + " must be an array of at most " + MAX_ENTRIES
                    + " non-empty strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    void toJson(Map<String, Object> json) {
        if (!subjectClients.isEmpty()) {
            json.put("token_exchange_subject_clients", subjectClients);
        }
        if (!audiences.isEmpty()) {
            json.put("token_exchange_audiences", audiences);
        }
    }

    /** True if this grants no more than {@code granted}. */
    boolean within(TokenExchangePolicy granted) {
        return granted.subjectClients.containsAll(subjectClients) && granted.audiences.containsAll(audiences);
    }
}
