package dev.latchkey.core.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.grant.FederatedIdentity;
import dev.latchkey.core.scope.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7523 §3 over values: a trusted issuer's JWT checked and mapped to one client, or refused with invalid_grant. */
class ExternalJwtsTest {

    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final String ISSUER = "https://ci.example";
    static final List<String> AUDIENCES = List.of("https://as.example", "https://as.example/oauth2/token");
    static final RSAKey KEY = generate("ci-1");
    static final RSAKey OTHER_KEY = generate("ci-1");
    static final TrustedIssuer TRUSTED = new TrustedIssuer(ISSUER, null, null, List.of(), List.of(
            new FederationRule("deployer", Map.of("repository", "acme/api", "ref", "refs/heads/main"),
                    Optional.of(Scope.of(List.of("deploy")))),
            new FederationRule("reader", Map.of("repository", "acme/api"), Optional.empty())));

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("repo:acme/api:ref:refs/heads/main")
                .audience("https://as.example").issueTime(Date.from(NOW.minusSeconds(10)))
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5)))).jwtID("j1")
                .claim("repository", "acme/api").claim("ref", "refs/heads/main");
    }

    static String signed(RSAKey key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static FederatedIdentity verify(String jwt, String forClient) {
        return ExternalJwts.verify(jwt, TRUSTED, new JWKSet(KEY.toPublicJWK()), AUDIENCES, forClient, NOW);
    }

    @Test
    void aTokenOfTheMainBranchIsTheDeployerWhenItAuthenticatesAsIt() {
        String jwt = signed(KEY, JWSAlgorithm.RS256, claims().build());
        FederatedIdentity identity = verify(jwt, "deployer");
        assertThat(identity.clientId()).isEqualTo("deployer");
        assertThat(identity.issuer()).isEqualTo(ISSUER);
        assertThat(identity.subject()).isEqualTo("repo:acme/api:ref:refs/heads/main");
        assertThat(identity.within(Scope.of(List.of("deploy", "read")))).isEqualTo(Scope.of(List.of("deploy")));
        assertThat(verify(jwt, "reader").within(Scope.of(List.of("read")))).as("no ceiling: the client's scope")
                .isEqualTo(Scope.of(List.of("read")));
    }

    @Test
    void withoutAnAuthenticatedClientTheRulesMustNameExactlyOne() {
        assertThatThrownBy(() -> verify(signed(KEY, JWSAlgorithm.RS256, claims().build()), null))
                .as("main matches the deployer and the reader").hasMessageContaining("more than one client");
        String branch = signed(KEY, JWSAlgorithm.RS256, claims().claim("ref", "refs/heads/feature").build());
        assertThat(verify(branch, null).clientId()).isEqualTo("reader");
        assertThatThrownBy(() -> verify(branch, "deployer")).hasMessageContaining("no rule");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                refusal("another issuer", jwt(b -> b.issuer("https://evil.example")), "not a trusted issuer"),
                refusal("signed by another key", signed(OTHER_KEY, JWSAlgorithm.RS256, claims().build()),
                        "not signed by a key"),
                refusal("alg none", new PlainJWT(claims().build()).serialize(), "signed"),
                refusal("HMAC with the public key as secret", hmac(), "EdDSA, ES256, PS256 or RS256"),
                refusal("no sub", jwt(b -> b.subject(null)), "sub"),
                refusal("addressed elsewhere", jwt(b -> b.audience("https://other.example")), "aud"),
                refusal("no aud", jwt(b -> b.audience((String) null)), "aud"),
                refusal("no exp", jwt(b -> b.expirationTime(null)), "exp"),
                refusal("expired beyond the leeway", jwt(b -> b.expirationTime(Date.from(NOW.minusSeconds(61)))),
                        "expired"),
                refusal("not valid yet", jwt(b -> b.notBeforeTime(Date.from(NOW.plusSeconds(120)))), "nbf"),
                refusal("issued in the future", jwt(b -> b.issueTime(Date.from(NOW.plusSeconds(120)))), "iat"),
                refusal("no matching rule", jwt(b -> b.claim("repository", "acme/api-fork")), "no rule"),
                refusal("not a JWT", "not-a-jwt", "not a signed JWT"));
    }

    private static String jwt(UnaryOperator<JWTClaimsSet.Builder> change) {
        return signed(KEY, JWSAlgorithm.RS256, change.apply(claims()).build());
    }

    private static String hmac() {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
            jwt.sign(new MACSigner(KEY.toPublicJWK().toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arguments refusal(String name, String jwt, String message) {
        return Arguments.of(name, jwt, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void anUntrustworthyTokenIsInvalidGrant(String name, String jwt, String message) {
        assertThatThrownBy(() -> verify(jwt, "reader")).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.error().code()).isEqualTo("invalid_grant")).hasMessageContaining(message);
    }

    @Test
    void anExpiredTokenWithinTheLeewayAndAnIssuerAudienceAreAccepted() {
        assertThat(verify(jwt(b -> b.expirationTime(Date.from(NOW.minusSeconds(30)))), "reader").clientId())
                .isEqualTo("reader");
        TrustedIssuer own = new TrustedIssuer(ISSUER, null, null, List.of("latchkey"), TRUSTED.rules());
        String toLatchkey = jwt(b -> b.audience("latchkey"));
        assertThat(ExternalJwts.verify(toLatchkey, own, new JWKSet(KEY.toPublicJWK()), AUDIENCES, "reader", NOW)
                .clientId()).as("the issuer's own audiences replace the defaults").isEqualTo("reader");
        assertThatThrownBy(() -> ExternalJwts.verify(signed(KEY, JWSAlgorithm.RS256, claims().build()), own,
                new JWKSet(KEY.toPublicJWK()), AUDIENCES, "reader", NOW)).hasMessageContaining("aud");
    }

    @Test
    void peekReadsTheIssuerAndKeyIdWithoutTrustingThem() {
        assertThat(ExternalJwts.peek(signed(KEY, JWSAlgorithm.PS256, claims().build())))
                .contains(new ExternalJwts.Header(ISSUER, "ci-1"));
        assertThat(ExternalJwts.peek("nonsense")).isEmpty();
    }
}
