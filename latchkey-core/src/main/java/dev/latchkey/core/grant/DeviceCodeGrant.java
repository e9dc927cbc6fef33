package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** RFC 8628 §3.4: {@code grant_type=urn:ietf:params:oauth:grant-type:device_code} and {@code device_code} (its hash). */
public record DeviceCodeGrant(TokenHash deviceCode) implements GrantRequest {

    /** The scope is the one the device asked for when it started (RFC 8628 §3.1). */
    @Override
    public Optional<Scope> scope() {
        return Optional.empty();
    }

    @Override
    public List<URI> resources() {
        return List.of();
    }

    @Override
    public GrantType type() {
        return GrantType.DEVICE_CODE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.deviceCode(this);
    }
}
