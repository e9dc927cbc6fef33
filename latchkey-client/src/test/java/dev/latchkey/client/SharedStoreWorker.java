package dev.latchkey.client;

import java.net.URI;
import java.nio.file.Path;

/**
 * A second process sharing a {@link FileCredentialStore}: forces {@code cycles} refreshes and
 * prints how many were refused. Run by {@link SharedFileStoreTest} as a separate JVM.
 * Arguments: tokenEndpoint clientId clientSecret storeFile cycles.
 */
public final class SharedStoreWorker {

    private SharedStoreWorker() {
    }

    public static void main(String[] args) {
        int refused = 0;
        java.util.Set<String> distinct = new java.util.HashSet<>();
        try (TokenManager tokens = TokenManager.builder(URI.create(args[0]))
                .refreshToken("unused-if-the-store-has-one", ClientAuthentication.basic(args[1], args[2]))
                .credentialStore(new FileCredentialStore(Path.of(args[3]))).build()) {
            for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                try {
                    tokens.invalidate(tokens.getAccessToken());
                    distinct.add(tokens.getAccessToken());
                } catch (OAuthErrorException e) {
                    refused++;
                }
            }
        }
        System.out.println("refused=" + refused + " distinct=" + distinct.size());
    }
}
