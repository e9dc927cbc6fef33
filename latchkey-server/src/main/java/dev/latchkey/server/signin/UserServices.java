package dev.latchkey.server.signin;

import dev.latchkey.core.authorize.Authorizations;
import dev.latchkey.core.authorize.ConnectedApps;
import dev.latchkey.core.authorize.DeviceFlows;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.store.AccountStore;

/**
 * What the end users' pages serve: authorization requests and codes, device authorizations, the
 * id_token keys (the JWKS shows them beside the access token keys), the accounts behind
 * {@code sub}, the clients, and the apps each user connected.
 */
public record UserServices(Authorizations authorizations, DeviceFlows devices, KeyManager idKeys,
        AccountStore accounts, ClientDirectory clients, ConnectedApps connectedApps) {
}
