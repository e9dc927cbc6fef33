package dev.latchkey.server.testing;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** A client registered on a test server, with what registration returned. */
public record TestClient(String id, String secret, String registrationToken, Map<String, Object> registration) {

    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Nimbus client authentication for the method this client registered. */
    public ClientAuthentication auth() {
        if ("client_secret_post".equals(registration.get("token_endpoint_auth_method"))) {
            return new ClientSecretPost(new ClientID(id), new Secret(secret));
        }
        return new ClientSecretBasic(new ClientID(id), new Secret(secret));
    }
}
