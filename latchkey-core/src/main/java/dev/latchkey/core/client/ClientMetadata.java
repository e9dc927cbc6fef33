package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.scope.Scope;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a client registers (RFC 7591 §2) plus Latchkey's extensions. Wire example:
 * <pre>{
 *   "client_name": "billing-service",
 *   "grant_types": ["client_credentials", "refresh_token"],
 *   "scope": "read write",
 *   "token_endpoint_auth_method": "client_secret_basic",
 *   "access_token_format": "jwt",
 *   "access_token_ttl": 3600,
 *   "refresh_token_ttl": 2592000,
 *   "refresh_token_grace_seconds": 0,
 *   "refresh_token_absolute_ttl": 0,
 *   "resources": ["https://api.example.com/"],
 *   "introspection_audiences": []
 * }</pre>
 *
 * <p>{@code refresh_token_absolute_ttl} bounds a refresh token family's whole life (0: none); each
 * rotation still bounds each token by {@code refresh_token_ttl}. {@code introspection_audiences}
 * lists the audiences whose access tokens this client may introspect besides its own (RFC 7662 §4:
 * a resource server learns about the tokens meant for it, and nothing else).
 *
 * <p>A registered client's metadata is a grant of rights: {@link #requireWithin} refuses an update
 * that would widen them (RFC 7591 §5: a client cannot raise what it may do by asserting it).
 *
 * <p>{@link UserFlows} holds the members of the flows where a person signs in ({@code redirect_uris},
 * {@code application_type}, {@code post_logout_redirect_uris}, {@code id_token_signed_response_alg},
 * and Latchkey's {@code first_party}, which skips consent and may only be set by an admin).
 *
 * <p>Deviation from RFC 7591 §2: {@code grant_types} defaults to {@code client_credentials}, the
 * grant most Latchkey clients use. Unknown members are ignored, as §2 requires.
 * Immutable and thread-safe.
 */
public record ClientMetadata(
        String clientName,
        String description,
        Set<GrantType> grantTypes,
        Scope scope,
        AuthMethod authMethod,
        TokenFormat accessTokenFormat,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration refreshTokenGrace,
        Duration refreshTokenAbsoluteTtl,
        List<URI> resources,
        List<String> introspectionAudiences,
        ResponseProfile responseProfile,
        UserFlows userFlows,
        ClientKeys keys,
        RateLimit rateLimit,
        SenderConstraint senderConstraint,
        TokenExchangePolicy tokenExchange) {

    /** The metadata of a client that may exchange no token. */
    public ClientMetadata(String clientName, String description, Set<GrantType> grantTypes, Scope scope,
            AuthMethod authMethod, TokenFormat accessTokenFormat, Duration accessTokenTtl, Duration refreshTokenTtl,
            Duration refreshTokenGrace, Duration refreshTokenAbsoluteTtl, List<URI> resources,
            List<String> introspectionAudiences, ResponseProfile responseProfile, UserFlows userFlows,
            ClientKeys keys, RateLimit rateLimit, SenderConstraint senderConstraint) {
        this(clientName, description, grantTypes, scope, authMethod, accessTokenFormat, accessTokenTtl, refreshTokenTtl,
                refreshTokenGrace, refreshTokenAbsoluteTtl, resources, introspectionAudiences, responseProfile,
                userFlows, keys, rateLimit, senderConstraint, TokenExchangePolicy.NONE);
    }

    /** The metadata of a client whose tokens are bearer tokens. */
    public ClientMetadata(String clientName, String description, Set<GrantType> grantTypes, Scope scope,
            AuthMethod authMethod, TokenFormat accessTokenFormat, Duration accessTokenTtl, Duration refreshTokenTtl,
            Duration refreshTokenGrace, Duration refreshTokenAbsoluteTtl, List<URI> resources,
            List<String> introspectionAudiences, ResponseProfile responseProfile, UserFlows userFlows,
            ClientKeys keys, RateLimit rateLimit) {
        this(clientName, description, grantTypes, scope, authMethod, accessTokenFormat, accessTokenTtl, refreshTokenTtl,
                refreshTokenGrace, refreshTokenAbsoluteTtl, resources, introspectionAudiences, responseProfile,
                userFlows, keys, rateLimit, SenderConstraint.NONE);
    }

    /** The metadata without a rate limit. */
    public ClientMetadata(String clientName, String description, Set<GrantType> grantTypes, Scope scope,
            AuthMethod authMethod, TokenFormat accessTokenFormat, Duration accessTokenTtl, Duration refreshTokenTtl,
            Duration refreshTokenGrace, Duration refreshTokenAbsoluteTtl, List<URI> resources,
            List<String> introspectionAudiences, ResponseProfile responseProfile, UserFlows userFlows,
            ClientKeys keys) {
        this(clientName, description, grantTypes, scope, authMethod, accessTokenFormat, accessTokenTtl, refreshTokenTtl,
                refreshTokenGrace, refreshTokenAbsoluteTtl, resources, introspectionAudiences, responseProfile,
                userFlows, keys, RateLimit.NONE);
    }

    /** The metadata of a client without keys of its own (every method but private_key_jwt). */
    public ClientMetadata(String clientName, String description, Set<GrantType> grantTypes, Scope scope,
            AuthMethod authMethod, TokenFormat accessTokenFormat, Duration accessTokenTtl, Duration refreshTokenTtl,
            Duration refreshTokenGrace, Duration refreshTokenAbsoluteTtl, List<URI> resources,
            List<String> introspectionAudiences, ResponseProfile responseProfile, UserFlows userFlows) {
        this(clientName, description, grantTypes, scope, authMethod, accessTokenFormat, accessTokenTtl, refreshTokenTtl,
                refreshTokenGrace, refreshTokenAbsoluteTtl, resources, introspectionAudiences, responseProfile,
                userFlows, ClientKeys.NONE);
    }

    /**
     * Bounds that keep every token the server issues within what its endpoints accept back (a
     * form value of {@code FormDecoder.MAX_VALUE_CHARS}): a JWT carries the scope and the resources.
     */
    public static final int MAX_SCOPE_CHARS = 1024;
    public static final int MAX_RESOURCES = 10;
    public static final int MAX_DESCRIPTION_CHARS = 500;
    public static final int MAX_RESOURCE_CHARS = 255;
    public static final Duration MAX_ABSOLUTE_TTL = Duration.ofDays(3650);

    /** The metadata before there were user flows: a client that signs in no one. */
    public ClientMetadata(String clientName, String description, Set<GrantType> grantTypes, Scope scope,
            AuthMethod authMethod, TokenFormat accessTokenFormat, Duration accessTokenTtl, Duration refreshTokenTtl,
            Duration refreshTokenGrace, Duration refreshTokenAbsoluteTtl, List<URI> resources,
            List<String> introspectionAudiences, ResponseProfile responseProfile) {
        this(clientName, description, grantTypes, scope, authMethod, accessTokenFormat, accessTokenTtl, refreshTokenTtl,
                refreshTokenGrace, refreshTokenAbsoluteTtl, resources, introspectionAudiences, responseProfile,
                UserFlows.NONE);
    }

    public ClientMetadata {
        keys = keys == null ? ClientKeys.NONE : keys;
        rateLimit = rateLimit == null ? RateLimit.NONE : rateLimit;
        senderConstraint = senderConstraint == null ? SenderConstraint.NONE : senderConstraint;
        tokenExchange = tokenExchange == null ? TokenExchangePolicy.NONE : tokenExchange;
        grantTypes = Set.copyOf(grantTypes);
        resources = List.copyOf(resources);
        introspectionAudiences = List.copyOf(introspectionAudiences);
    }

    public boolean allows(GrantType grantType) {
        return grantTypes.contains(grantType);
    }

    /**
     * Parses registration JSON (already decoded to maps, lists, strings, numbers and booleans).
     *
     * @throws dev.latchkey.core.error.OAuthException {@code invalid_client_metadata} naming the bad member
     */
    public static ClientMetadata parse(Map<String, ?> json, ClientLimits limits) {
        Set<GrantType> grants = EnumSet.noneOf(GrantType.class);
        for (String name : stringList(json, "grant_types", List.of("client_credentials"))) {
            grants.add(GrantType.fromWire(name).orElseThrow(() -> invalid("grant_types has an unsupported value")));
        }
        if (grants.isEmpty()) {
            throw invalid("grant_types must not be empty");
        }
        String method = string(json, "token_endpoint_auth_method", AuthMethod.CLIENT_SECRET_BASIC.wireName());
        AuthMethod authMethod = AuthMethod.fromWire(method).orElseThrow(() -> invalid(
                "token_endpoint_auth_method must be client_secret_basic, client_secret_post, private_key_jwt or none"));
        ClientKeys keys = ClientKeys.parse(json);
        if (authMethod == AuthMethod.PRIVATE_KEY_JWT && keys.isEmpty()) {
            throw invalid("private_key_jwt needs the client's public keys: jwks or jwks_uri");
        }
        if (authMethod == AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH && keys.isEmpty()) {
            throw invalid("self_signed_tls_client_auth needs the certificate's public key in jwks or jwks_uri");
        }
        if ((authMethod == AuthMethod.TLS_CLIENT_AUTH) != (keys.tlsIdentity() != null)) {
            throw invalid("tls_client_auth needs exactly one of " + String.join(", ", TlsClientIdentity.MEMBERS)
                    + ", and only it takes them");
        }
        boolean code = grants.contains(GrantType.AUTHORIZATION_CODE);
        boolean starts = grants.contains(GrantType.CLIENT_CREDENTIALS) || code || grants.contains(GrantType.DEVICE_CODE);
        boolean alone = grants.contains(GrantType.TOKEN_EXCHANGE) || grants.contains(GrantType.JWT_BEARER);
        if (!starts && (grants.contains(GrantType.REFRESH_TOKEN) || !alone)) {
            // RFC 7591 §2.1: metadata must be consistent; a refresh token family starts with a
            // client_credentials, authorization_code or device_code grant.
            throw invalid("refresh_token needs client_credentials, authorization_code or the device_code grant,"
                    + " the grants that issue a first refresh token");
        }
        if (authMethod == AuthMethod.NONE && grants.contains(GrantType.CLIENT_CREDENTIALS)) {
            throw invalid("a public client (token_endpoint_auth_method none) cannot use client_credentials");
        }
        // RFC 7591 §2.1: response_types and grant_types must agree; "code" is the only response type
        // (RFC 9700 §2.1.2: no implicit grant, no hybrid).
        List<String> responseTypes = stringList(json, "response_types", code ? List.of("code") : List.of());
        for (String type : responseTypes) {
            if (!type.equals("code")) {
                throw invalid("response_types may only hold code: the implicit and hybrid flows are not offered");
            }
        }
        if (code != responseTypes.contains("code")) {
            throw invalid("response_types code and grant type authorization_code go together");
        }
        String applicationType = string(json, "application_type", "web");
        UserFlows.ApplicationType type = switch (applicationType) {
            case "web" -> UserFlows.ApplicationType.WEB;
            case "native" -> UserFlows.ApplicationType.NATIVE;
            default -> throw invalid("application_type must be web or native");
        };
        UserFlows userFlows = UserFlows.parse(type, stringList(json, "redirect_uris", List.of()),
                stringList(json, "post_logout_redirect_uris", List.of()),
                string(json, "id_token_signed_response_alg", "RS256"), bool(json, "first_party"),
                bool(json, "require_pushed_authorization_requests"));
        if (code && userFlows.redirectUris().isEmpty()) {
            throw OAuthError.INVALID_REDIRECT_URI.toException("authorization_code needs at least one redirect_uris entry");
        }
        String format = string(json, "access_token_format", TokenFormat.JWT.wireName());
        TokenFormat tokenFormat = TokenFormat.fromWire(format)
                .orElseThrow(() -> invalid("access_token_format must be jwt or opaque"));
        Duration accessTtl = seconds(json, "access_token_ttl",
                min(ClientLimits.DEFAULT_ACCESS_TOKEN_TTL, limits.maxAccessTokenTtl()), 1, limits.maxAccessTokenTtl());
        Duration refreshTtl = seconds(json, "refresh_token_ttl",
                min(ClientLimits.DEFAULT_REFRESH_TOKEN_TTL, limits.maxRefreshTokenTtl()), 1, limits.maxRefreshTokenTtl());
        Duration grace = seconds(json, "refresh_token_grace_seconds", Duration.ZERO, 0, limits.maxRefreshGrace());
        Duration absoluteTtl = seconds(json, "refresh_token_absolute_ttl", Duration.ZERO, 0, MAX_ABSOLUTE_TTL);
        String profileName = string(json, "response_profile", ResponseProfile.RFC6749.wireName());
        ResponseProfile profile = ResponseProfile.fromWire(profileName)
                .orElseThrow(() -> invalid("response_profile must be one of " + ResponseProfile.wireNames()));
        if (profile == ResponseProfile.ABSOLUTE_EXPIRY && !grants.contains(GrantType.REFRESH_TOKEN)) {
            throw invalid("response_profile absolute_expiry always carries a refresh_token, so grant_types must include refresh_token");
        }
        String name = string(json, "client_name", null);
        if (name != null && name.length() > 200) {
            throw invalid("client_name is longer than 200 characters");
        }
        // Latchkey's own member, for the dashboard: what the application is, in the owner's words.
        String description = string(json, "description", null);
        if (description != null && description.length() > MAX_DESCRIPTION_CHARS) {
            throw invalid("description is longer than " + MAX_DESCRIPTION_CHARS + " characters");
        }
        String scopeText = string(json, "scope", "");
        if (scopeText.length() > MAX_SCOPE_CHARS) {
            throw invalid("scope is longer than " + MAX_SCOPE_CHARS + " characters");
        }
        Scope scope = Scope.parse(scopeText, OAuthError.INVALID_CLIENT_METADATA);
        List<URI> resources = uris(json, "resources");
        List<String> audiences = uris(json, "introspection_audiences").stream().map(URI::toString).toList();
        return new ClientMetadata(name, description == null || description.isBlank() ? null : description, grants,
                scope, authMethod, tokenFormat, accessTtl, refreshTtl, grace,
                absoluteTtl, resources, audiences, profile, userFlows, keys, RateLimit.parse(json),
                SenderConstraint.parse(json), TokenExchangePolicy.parse(json));
    }

    static boolean bool(Map<String, ?> json, String name) {
        Object value = json.get(name);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw invalid(name + " must be true or false");
    }

    private static List<URI> uris(Map<String, ?> json, String name) {
        List<String> values = stringList(json, name, List.of());
        if (values.size() > MAX_RESOURCES) {
            throw invalid(name + " has more than " + MAX_RESOURCES + " entries");
        }
        List<URI> uris = new ArrayList<>();
        for (String value : values) {
            if (value.length() > MAX_RESOURCE_CHARS) {
                throw invalid(name + " has an entry longer than " + MAX_RESOURCE_CHARS + " characters");
            }
            uris.add(resourceUri(value, OAuthError.INVALID_CLIENT_METADATA));
        }
        return uris;
    }

    /**
     * Refuses metadata that would give the client more than {@code granted} does: more scopes,
     * grant types, resources or audiences to introspect, longer lifetimes or grace, no absolute
     * lifetime where there was one, or another authentication method. The format, name and
     * response profile may change. Used for RFC 7592 updates made with the client's own
     * registration access token (RFC 7591 §5: self-asserted metadata grants nothing).
     *
     * @throws dev.latchkey.core.error.OAuthException {@code invalid_client_metadata} naming the member
     */
    public void requireWithin(ClientMetadata granted) {
        if (!granted.scope.containsAll(scope)) {
            throw widened("scope");
        }
        if (!granted.grantTypes.containsAll(grantTypes)) {
            throw widened("grant_types");
        }
        if (!granted.resources.containsAll(resources)) {
            throw widened("resources");
        }
        if (!granted.introspectionAudiences.containsAll(introspectionAudiences)) {
            throw widened("introspection_audiences");
        }
        if (accessTokenTtl.compareTo(granted.accessTokenTtl) > 0) {
            throw widened("access_token_ttl");
        }
        if (refreshTokenTtl.compareTo(granted.refreshTokenTtl) > 0) {
            throw widened("refresh_token_ttl");
        }
        if (refreshTokenGrace.compareTo(granted.refreshTokenGrace) > 0) {
            throw widened("refresh_token_grace_seconds");
        }
        if (!granted.refreshTokenAbsoluteTtl.isZero() && (refreshTokenAbsoluteTtl.isZero()
                || refreshTokenAbsoluteTtl.compareTo(granted.refreshTokenAbsoluteTtl) > 0)) {
            throw widened("refresh_token_absolute_ttl");
        }
        if (!granted.userFlows.redirectUris().containsAll(userFlows.redirectUris())) {
            throw widened("redirect_uris");
        }
        if (!granted.userFlows.postLogoutRedirectUris().containsAll(userFlows.postLogoutRedirectUris())) {
            throw widened("post_logout_redirect_uris");
        }
        if (userFlows.firstParty() && !granted.userFlows.firstParty()) {
            throw widened("first_party");
        }
        if (!userFlows.requirePushed() && granted.userFlows.requirePushed()) {
            throw widened("require_pushed_authorization_requests");
        }
        if (authMethod != granted.authMethod) {
            throw invalid("token_endpoint_auth_method cannot be changed with the registration access token");
        }
        // A client may rotate its keys, but not point Latchkey at a new URL to fetch: that would let a
        // registration access token make the server send requests where its holder chooses.
        if (keys.jwksUri() != null && !keys.jwksUri().equals(granted.keys.jwksUri())) {
            throw invalid("jwks_uri can be set or changed only with the initial access token or by an admin;"
                    + " inline jwks may be rotated");
        }
        if (!rateLimit.atMost(granted.rateLimit)) {
            throw widened("rate_limit_per_second, rate_limit_burst, token_quota_per_hour and token_quota_per_day");
        }
        if (!tokenExchange.within(granted.tokenExchange)) {
            throw widened("token_exchange_subject_clients and token_exchange_audiences");
        }
        String loosened = senderConstraint.loosenedFrom(granted.senderConstraint);
        if (loosened != null) {
            throw invalid(loosened + " may be turned on with the registration access token, not off");
        }
    }

    private static RuntimeException widened(String member) {
        return invalid(member + " may only keep or narrow what was registered; widening it needs the initial"
                + " access token");
    }

    /**
     * A resource indicator: RFC 8707 §2 requires an absolute URI without a fragment.
     */
    public static URI resourceUri(String value, OAuthError onInvalid) {
        try {
            URI uri = new URI(value);
            if (!uri.isAbsolute() || uri.getRawFragment() != null) {
                throw onInvalid.toException("resource must be an absolute URI without a fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw onInvalid.toException("resource is not a valid URI");
        }
    }

    /** The RFC 7591 §3.2.1 JSON members for this metadata, in a stable order. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (clientName != null) {
            json.put("client_name", clientName);
        }
        if (description != null) {
            json.put("description", description);
        }
        json.put("grant_types", grantTypes.stream().sorted().map(GrantType::wireName).toList());
        json.put("scope", scope.toString());
        json.put("token_endpoint_auth_method", authMethod.wireName());
        json.put("access_token_format", accessTokenFormat.wireName());
        json.put("access_token_ttl", accessTokenTtl.toSeconds());
        json.put("refresh_token_ttl", refreshTokenTtl.toSeconds());
        json.put("refresh_token_grace_seconds", refreshTokenGrace.toSeconds());
        json.put("refresh_token_absolute_ttl", refreshTokenAbsoluteTtl.toSeconds());
        json.put("resources", resources.stream().map(URI::toString).toList());
        json.put("introspection_audiences", introspectionAudiences);
        json.put("response_profile", responseProfile.wireName());
        keys.toJson(json);
        rateLimit.toJson(json);
        senderConstraint.toJson(json);
        tokenExchange.toJson(json);
        if (allows(GrantType.AUTHORIZATION_CODE) || !userFlows.redirectUris().isEmpty()) {
            json.put("response_types", allows(GrantType.AUTHORIZATION_CODE) ? List.of("code") : List.of());
            json.put("redirect_uris", userFlows.redirectUris().stream().map(URI::toString).toList());
            json.put("post_logout_redirect_uris", userFlows.postLogoutRedirectUris().stream().map(URI::toString).toList());
            json.put("application_type", userFlows.applicationType().wireName());
            json.put("id_token_signed_response_alg", userFlows.idTokenSignedResponseAlg());
            json.put("first_party", userFlows.firstParty());
            json.put("require_pushed_authorization_requests", userFlows.requirePushed());
        }
        return json;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String string(Map<String, ?> json, String name, String fallback) {
        Object value = json.get(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof String text) {
            return text;
        }
        throw invalid(name + " must be a string");
    }

    private static List<String> stringList(Map<String, ?> json, String name, List<String> fallback) {
        Object value = json.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof List<?> list)) {
            throw invalid(name + " must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String text)) {
                throw invalid(name + " must be an array of strings");
            }
            strings.add(text);
        }
        return strings;
    }

    private static Duration seconds(Map<String, ?> json, String name, Duration fallback, long min, Duration max) {
        Object value = json.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            throw invalid(name + " must be an integer number of seconds");
        }
        long seconds = ((Number) value).longValue();
        if (seconds < min || seconds > max.toSeconds()) {
            throw invalid(name + " must be between " + min + " and " + max.toSeconds() + " seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    private static RuntimeException invalid(String description) {
        return OAuthError.INVALID_CLIENT_METADATA.toException(description);
    }
}
