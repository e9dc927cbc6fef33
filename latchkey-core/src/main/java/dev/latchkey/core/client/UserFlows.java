package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a client registers for the flows in which a person signs in (RFC 6749 §4.1, OIDC Core):
 * its redirect URIs (RFC 7591 §2), where it may send the browser after a logout (OIDC RP-Initiated
 * Logout §3.1), whether it is a web or a native application (OIDC Registration §2), the algorithm of
 * its id_tokens, whether it is first-party (its users are not asked to consent), and whether its
 * authorization requests must be pushed first (RFC 9126 §6 {@code require_pushed_authorization_requests}).
 * Immutable.
 *
 * <p>Redirect URIs are compared exactly (RFC 9700 §4.1.3), so none may hold a wildcard or a
 * fragment (RFC 6749 §3.1.2); {@code http} only on a loopback address (RFC 8252 §7.3), where a
 * native client's URI matches on any port; a native client may also use a private-use scheme of
 * its own (RFC 8252 §7.1), never a web or script scheme.
 */
public record UserFlows(List<URI> redirectUris, List<URI> postLogoutRedirectUris, ApplicationType applicationType,
        String idTokenSignedResponseAlg, boolean firstParty, boolean requirePushed) {

    /** OIDC Registration §2 {@code application_type}. */
    public enum ApplicationType {
        WEB, NATIVE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final int MAX_REDIRECT_URIS = 10;
    public static final int MAX_URI_CHARS = 500;
    /** id_token algorithms: RS256 is what OIDC Discovery §3 requires every provider to support. */
    public static final List<String> ID_TOKEN_ALGORITHMS = List.of("RS256", "EdDSA", "ES256");
    public static final UserFlows NONE = new UserFlows(List.of(), List.of(), ApplicationType.WEB, "RS256", false, false);
    private static final Set<String> FORBIDDEN_SCHEMES = Set.of("javascript", "data", "vbscript", "file", "blob");

    public UserFlows {
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
    }

    /**
     * The registered redirect URI that {@code presented} names, compared exactly as a string, but
     * on any port for a native client's loopback URI (RFC 8252 §7.3); empty if none does.
     */
    public java.util.Optional<URI> redirectUri(String presented) {
        if (presented == null) {
            return java.util.Optional.empty();
        }
        for (URI registered : redirectUris) {
            if (registered.toString().equals(presented)) {
                return java.util.Optional.of(registered);
            }
        }
        if (applicationType == ApplicationType.NATIVE) {
            try {
                URI uri = new URI(presented);
                if ("http".equals(uri.getScheme()) && isLoopbackIp(uri.getHost()) && uri.getPort() > 0) {
                    for (URI registered : redirectUris) {
                        if ("http".equals(registered.getScheme()) && uri.getHost().equals(registered.getHost())
                                && java.util.Objects.equals(uri.getRawPath(), registered.getRawPath())
                                && java.util.Objects.equals(uri.getRawQuery(), registered.getRawQuery())
                                && uri.getRawUserInfo() == null && uri.getRawFragment() == null) {
                            return java.util.Optional.of(uri);
                        }
                    }
                }
            } catch (URISyntaxException e) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.empty();
    }

    /** True if {@code presented} is exactly a registered post-logout redirect URI. */
    public boolean allowsPostLogout(String presented) {
        return presented != null && postLogoutRedirectUris.stream().anyMatch(uri -> uri.toString().equals(presented));
    }

    /** The origins ({@code scheme://host[:port]}) of the redirect URIs: who may call the token endpoint from a page. */
    public Set<String> origins() {
        Set<String> origins = new java.util.LinkedHashSet<>();
        for (URI uri : redirectUris) {
            if ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) {
                origins.add(uri.getScheme() + "://" + uri.getRawAuthority());
            }
        }
        return origins;
    }

    /** A redirect URI as registration checks it; throws {@code invalid_redirect_uri} or {@code invalid_client_metadata}. */
    public static URI checkRedirectUri(String value, ApplicationType type, String member) {
        OAuthError error = member.equals("redirect_uris") ? OAuthError.INVALID_REDIRECT_URI
                : OAuthError.INVALID_CLIENT_METADATA;
        if (value.length() > MAX_URI_CHARS) {
            throw error.toException(member + " has an entry longer than " + MAX_URI_CHARS + " characters");
        }
        if (value.contains("*")) {
            throw error.toException(member + " must not hold a wildcard: redirect URIs are compared exactly");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw error.toException(member + " has an entry that is not a valid URI");
        }
        if (!uri.isAbsolute()) {
            throw error.toException(member + " must hold absolute URIs");
        }
        if (uri.getRawFragment() != null) {
            throw error.toException(member + " must not hold a fragment (RFC 6749 section 3.1.2)");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            if (uri.getHost() == null) {
                throw error.toException(member + " has an https URI without a host");
            }
            return uri;
        }
        if (scheme.equals("http")) {
            if (uri.getHost() == null || !isLoopback(uri.getHost())) {
                throw error.toException(member + " may use http only on a loopback address (RFC 8252 section 7.3)");
            }
            return uri;
        }
        if (type == ApplicationType.NATIVE && !FORBIDDEN_SCHEMES.contains(scheme) && scheme.contains(".")) {
            return uri; // RFC 8252 §7.1: a private-use scheme in reverse domain name notation
        }
        throw error.toException(member + " must be https, http on loopback, or for a native client a private-use"
                + " scheme such as com.example.app");
    }

    static boolean isLoopback(String host) {
        return isLoopbackIp(host) || host.equalsIgnoreCase("localhost");
    }

    static boolean isLoopbackIp(String host) {
        return host != null && (host.equals("127.0.0.1") || host.equals("[::1]"));
    }

    /** Parses the members of registration JSON; see {@link ClientMetadata#parse}. */
    static UserFlows parse(ApplicationType type, List<String> redirects, List<String> postLogout, String idTokenAlg,
            boolean firstParty, boolean requirePushed) {
        if (redirects.size() > MAX_REDIRECT_URIS || postLogout.size() > MAX_REDIRECT_URIS) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("at most " + MAX_REDIRECT_URIS
                    + " redirect_uris and post_logout_redirect_uris");
        }
        List<URI> redirectUris = new ArrayList<>();
        for (String value : redirects) {
            redirectUris.add(checkRedirectUri(value, type, "redirect_uris"));
        }
        List<URI> logoutUris = new ArrayList<>();
        for (String value : postLogout) {
            logoutUris.add(checkRedirectUri(value, type, "post_logout_redirect_uris"));
        }
        if (!ID_TOKEN_ALGORITHMS.contains(idTokenAlg)) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("id_token_signed_response_alg must be one of "
                    + ID_TOKEN_ALGORITHMS);
        }
        return new UserFlows(redirectUris, logoutUris, type, idTokenAlg, firstParty, requirePushed);
    }
}
