package dev.latchkey.peer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring Authorization Server configured as its reference documentation shows, with the clients
 * the load comparison needs:
 * <ul>
 *   <li>{@code bench-bcrypt}: secret stored BCrypt-hashed, the documented production setting;</li>
 *   <li>{@code bench-noop}, {@code bench-opaque}, {@code bench-refresh}, {@code bench-rs}: secret
 *       stored {@code {noop}}, with re-hash-on-use switched off (see {@link #passwordEncoder}), so the
 *       comparison shows what is architecture and what is only BCrypt.</li>
 * </ul>
 * {@code --peer.store=memory} (default) keeps authorizations in memory; {@code --peer.store=jdbc}
 * uses {@link JdbcOAuth2AuthorizationService} on PostgreSQL with the schema SAS ships.
 * SAS issues refresh tokens only with the authorization code grant, which needs a browser; so
 * {@code POST /bench/refresh-tokens?count=N} stores N authorizations as that grant would and
 * returns their refresh tokens, one per line.
 */
@SpringBootApplication
public class PeerApplication {

    /** Each client's secret (SAS's in-memory repository refuses two clients with one secret). */
    static String secret(String clientId) {
        return clientId + "-secret-0123456789";
    }

    public static void main(String[] args) {
        SpringApplication.run(PeerApplication.class, args);
    }

    /**
     * The documented default, DelegatingPasswordEncoder (BCrypt for new secrets), except that it
     * never asks to upgrade a stored secret: stock SAS re-hashes a {noop} secret to BCrypt after
     * its first successful use, which would turn the {noop} runs into BCrypt runs.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        PasswordEncoder delegate = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return delegate.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return delegate.matches(raw, encoded);
            }

            @Override
            public boolean upgradeEncoding(String encoded) {
                return false;
            }
        };
    }

    @Bean
    RegisteredClientRepository registeredClientRepository(PasswordEncoder encoder) {
        TokenSettings jwt = TokenSettings.builder().accessTokenTimeToLive(Duration.ofHours(1)).build();
        TokenSettings reference = TokenSettings.builder().accessTokenTimeToLive(Duration.ofHours(1))
                .accessTokenFormat(OAuth2TokenFormat.REFERENCE).build();
        TokenSettings rotating = TokenSettings.builder().accessTokenTimeToLive(Duration.ofHours(1))
                .refreshTokenTimeToLive(Duration.ofDays(30)).reuseRefreshTokens(false).build();
        return new InMemoryRegisteredClientRepository(
                client("bench-bcrypt", encoder.encode(secret("bench-bcrypt")), jwt,
                        AuthorizationGrantType.CLIENT_CREDENTIALS),
                client("bench-noop", "{noop}" + secret("bench-noop"), jwt, AuthorizationGrantType.CLIENT_CREDENTIALS),
                client("bench-opaque", "{noop}" + secret("bench-opaque"), reference,
                        AuthorizationGrantType.CLIENT_CREDENTIALS),
                client("bench-refresh", "{noop}" + secret("bench-refresh"), rotating,
                        AuthorizationGrantType.AUTHORIZATION_CODE, AuthorizationGrantType.REFRESH_TOKEN),
                client("bench-rs", "{noop}" + secret("bench-rs"), jwt, AuthorizationGrantType.CLIENT_CREDENTIALS));
    }

    private static RegisteredClient client(String id, String secret, TokenSettings tokens,
            AuthorizationGrantType... grants) {
        RegisteredClient.Builder builder = RegisteredClient.withId(id).clientId(id).clientSecret(secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .scope("read").tokenSettings(tokens);
        for (AuthorizationGrantType grant : grants) {
            builder.authorizationGrantType(grant);
        }
        if (List.of(grants).contains(AuthorizationGrantType.AUTHORIZATION_CODE)) {
            builder.redirectUri("http://127.0.0.1/callback");
        }
        return builder.build();
    }

    @Bean
    OAuth2AuthorizationService authorizationService(@Value("${peer.store:memory}") String store,
            org.springframework.beans.factory.ObjectProvider<DataSource> dataSource,
            RegisteredClientRepository clients) {
        if (store.equals("jdbc")) {
            new ResourceDatabasePopulator(new ClassPathResource("peer-authorization-schema-postgresql.sql"))
                    .execute(dataSource.getObject());
            return new JdbcOAuth2AuthorizationService(new JdbcTemplate(dataSource.getObject()), clients);
        }
        return new InMemoryOAuth2AuthorizationService();
    }

    @Bean
    JWKSource<SecurityContext> jwkSource() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    @Bean
    @Order(2)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain bench(HttpSecurity http) throws Exception {
        http.securityMatcher("/bench/**").authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
