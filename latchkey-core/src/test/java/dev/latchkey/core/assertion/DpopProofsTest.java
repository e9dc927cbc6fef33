package dev.latchkey.core.assertion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

/**
 * How long a proof's jti is remembered: the store keys a spent jti by that time, so it must follow
 * from the proof alone (a replay that comes later must meet the same record), and cover every
 * moment the proof is accepted.
 */
class DpopProofsTest {

    private static final URI TOKEN_ENDPOINT = URI.create("https://as.example/oauth2/token");
    private static final Instant IAT = Instant.parse("2026-12-04T12:00:00Z");

    private static String proof(ECKey key, String jti) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK()).build(), new JWTClaimsSet.Builder().jwtID(jti).claim("htm", "POST")
                .claim("htu", TOKEN_ENDPOINT.toString()).issueTime(Date.from(IAT)).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aProofIsRememberedFromItsIatWhenEverItArrives() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        String proof = proof(key, "jti-1");
        DpopProofs.Verified early = DpopProofs.verify(proof, "POST", TOKEN_ENDPOINT, null, null,
                IAT.minus(DpopProofs.WINDOW));
        DpopProofs.Verified onTime = DpopProofs.verify(proof, "POST", TOKEN_ENDPOINT, null, null, IAT);
        DpopProofs.Verified late = DpopProofs.verify(proof, "POST", TOKEN_ENDPOINT, null, null,
                IAT.plus(DpopProofs.WINDOW));
        assertThat(late.rememberUntil()).isEqualTo(onTime.rememberUntil()).isEqualTo(early.rememberUntil())
                .as("past the last moment it is accepted").isAfter(IAT.plus(DpopProofs.WINDOW));
        assertThat(late.jti()).isEqualTo(onTime.jti());
        assertThatThrownBy(() -> DpopProofs.verify(proof, "POST", TOKEN_ENDPOINT, null, null,
                late.rememberUntil())).as("refused once it is forgotten").isInstanceOf(RuntimeException.class);
    }

    @Test
    void theSameJtiOfAnotherKeyIsAnotherRecord() throws Exception {
        DpopProofs.Verified one = DpopProofs.verify(proof(new ECKeyGenerator(Curve.P_256).generate(), "jti-1"), "POST",
                TOKEN_ENDPOINT, null, null, IAT);
        DpopProofs.Verified other = DpopProofs.verify(proof(new ECKeyGenerator(Curve.P_256).generate(), "jti-1"),
                "POST", TOKEN_ENDPOINT, null, null, IAT);
        assertThat(one.jti()).isNotEqualTo(other.jti());
    }
}
