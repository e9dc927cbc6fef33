-- Latchkey schema, PostgreSQL dialect. Times are epoch seconds unless the column says _ms.

CREATE TABLE clients (
    client_id               TEXT    NOT NULL PRIMARY KEY,
    secret_hash             TEXT    NOT NULL,
    registration_token_hash TEXT    NOT NULL,
    metadata                TEXT    NOT NULL,
    issued_at               BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL
);

CREATE TABLE signing_keys (
    kid                TEXT    NOT NULL PRIMARY KEY,
    alg                TEXT    NOT NULL,
    public_jwk         TEXT    NOT NULL,
    sealed_private_jwk BYTEA    NOT NULL,
    created_at_ms      BIGINT NOT NULL,
    activates_at_ms    BIGINT NOT NULL
);

CREATE TABLE access_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    client_id  TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    audience   TEXT    NOT NULL,
    jti        TEXT    NOT NULL,
    family_id  TEXT,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX access_tokens_family ON access_tokens (family_id) WHERE family_id IS NOT NULL;
CREATE INDEX access_tokens_client ON access_tokens (client_id);
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);

-- state: 0 active, 1 rotated, 2 revoked
CREATE TABLE refresh_tokens (
    token_hash       TEXT    NOT NULL PRIMARY KEY,
    family_id        TEXT    NOT NULL,
    client_id        TEXT    NOT NULL,
    scope            TEXT    NOT NULL,
    resources        TEXT    NOT NULL,
    issued_at        BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    state            INTEGER NOT NULL,
    rotated_at       BIGINT,
    successor_hash   TEXT,
    sealed_successor BYTEA,
    grace_until      BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_client ON refresh_tokens (client_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
CREATE INDEX refresh_tokens_grace ON refresh_tokens (grace_until) WHERE sealed_successor IS NOT NULL;

CREATE TABLE changes (
    seq        BIGSERIAL PRIMARY KEY,
    kind       TEXT    NOT NULL,
    ref        TEXT    NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX changes_expiry ON changes (expires_at);
