-- End users sign in (authorization code with PKCE, OpenID Connect).

-- The user whose authorization started a family (null: the client's own tokens), copied into every
-- refresh token of it, so a rotation reads it without its family (as family_expires_at).
ALTER TABLE token_families ADD COLUMN subject TEXT;
ALTER TABLE refresh_tokens ADD COLUMN subject TEXT;

-- Signing keys serve a purpose: 'access' signs access tokens, 'id' signs OpenID Connect id_tokens
-- (RS256 by default, which OIDC Discovery requires), each with its own staged rotation.
ALTER TABLE signing_keys ADD COLUMN purpose TEXT NOT NULL DEFAULT 'access';

-- Authorization codes (RFC 6749 §4.1.2): only the SHA-256 of the code is kept. A redemption is one
-- conditional UPDATE (redeemed_at IS NULL); it records the family of what it issued, so that the
-- code presented again revokes those tokens (RFC 6749 §4.1.2).
CREATE TABLE authorization_codes (
    code_hash      TEXT    NOT NULL PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    account_id     TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    code_challenge TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    resources      TEXT    NOT NULL,
    nonce          TEXT,
    auth_time      INTEGER NOT NULL,
    issued_at      INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    redeemed_at    INTEGER,
    family_id      TEXT
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

-- What a user allowed a client (the consent page), remembered so that it is asked once.
CREATE TABLE consents (
    account_id   TEXT    NOT NULL,
    client_id    TEXT    NOT NULL,
    scope        TEXT    NOT NULL,
    granted_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, client_id)
);
CREATE INDEX consents_client ON consents (client_id);
CREATE INDEX token_families_subject ON token_families (subject, client_id) WHERE subject IS NOT NULL;
