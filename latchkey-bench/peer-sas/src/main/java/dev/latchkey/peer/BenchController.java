package dev.latchkey.peer;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Stores authorizations as the authorization code grant would, and returns their refresh tokens. */
@RestController
public class BenchController {

    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;

    public BenchController(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients) {
        this.authorizations = authorizations;
        this.clients = clients;
    }

    @PostMapping(value = "/bench/refresh-tokens", produces = "text/plain")
    public String refreshTokens(@RequestParam int count) {
        RegisteredClient client = clients.findByClientId("bench-refresh");
        Base64StringKeyGenerator generator = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);
        UsernamePasswordAuthenticationToken user = UsernamePasswordAuthenticationToken.authenticated("bench-user",
                null, List.of());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant now = Instant.now();
            OAuth2RefreshToken refresh = new OAuth2RefreshToken(generator.generateKey(), now, now.plus(Duration.ofDays(30)));
            authorizations.save(OAuth2Authorization.withRegisteredClient(client)
                    .principalName("bench-user")
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .authorizedScopes(Set.of("read"))
                    // With an access token, as the code grant leaves it: the in-memory store keeps at
                    // most 100 authorizations that have none ("initialized", not yet complete).
                    .accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, generator.generateKey(), now,
                            now.plus(Duration.ofHours(1)), Set.of("read")))
                    .refreshToken(refresh)
                    .attribute(Principal.class.getName(), user)
                    .build());
            tokens.add(refresh.getTokenValue());
        }
        return String.join("\n", tokens) + "\n";
    }
}
