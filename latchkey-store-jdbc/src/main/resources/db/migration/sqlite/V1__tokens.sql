-- Latchkey schema, SQLite dialect. Times are epoch seconds unless the column says _ms.

CREATE TABLE clients (
    client_id               TEXT    NOT NULL PRIMARY KEY,
    secret_hash             TEXT    NOT NULL,
    registration_token_hash TEXT    NOT NULL,
    metadata                TEXT    NOT NULL,
    issued_at               INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);

CREATE TABLE signing_keys (
    kid                TEXT    NOT NULL PRIMARY KEY,
    alg                TEXT    NOT NULL,
    public_jwk         TEXT    NOT NULL,
    sealed_private_jwk BLOB    NOT NULL,
    created_at_ms      INTEGER NOT NULL,
    activates_at_ms    INTEGER NOT NULL
);

CREATE TABLE access_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    client_id  TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    audience   TEXT    NOT NULL,
    jti        TEXT    NOT NULL,
    family_id  TEXT,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
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
    issued_at        INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    state            INTEGER NOT NULL,
    rotated_at       INTEGER,
    successor_hash   TEXT,
    sealed_successor BLOB,
    grace_until      INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_client ON refresh_tokens (client_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
CREATE INDEX refresh_tokens_grace ON refresh_tokens (grace_until) WHERE sealed_successor IS NOT NULL;

CREATE TABLE changes (
    seq        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    ref        TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX changes_expiry ON changes (expires_at);
