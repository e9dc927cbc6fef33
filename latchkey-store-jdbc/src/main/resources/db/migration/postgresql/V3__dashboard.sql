-- The dashboard: accounts and their sessions, the catalogue of APIs and scopes, client
-- applications with owners, several secrets and a status, the audit log, and usage counts.

-- admin or developer. username is stored lower-cased; password_hash is a PHC string (Argon2id),
-- null while the account waits for its invitation to be accepted (invite_hash: SHA-256 of the
-- one-time token in the link).
CREATE TABLE accounts (
    account_id           TEXT    NOT NULL PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE,
    role                 TEXT    NOT NULL,
    password_hash        TEXT,
    disabled             INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    invite_hash          TEXT,
    invite_expires_at    BIGINT,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);
CREATE UNIQUE INDEX accounts_invite ON accounts (invite_hash);

-- A signed-in browser: the cookie holds a random id, only its SHA-256 is stored.
CREATE TABLE sessions (
    session_hash TEXT   NOT NULL PRIMARY KEY,
    account_id   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Resource servers: identifier is the JWT aud and the RFC 8707 resource.
CREATE TABLE apis (
    api_id      TEXT   NOT NULL PRIMARY KEY,
    name        TEXT   NOT NULL,
    identifier  TEXT   NOT NULL UNIQUE,
    description TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE TABLE api_scopes (
    scope       TEXT    NOT NULL PRIMARY KEY,
    api_id      TEXT    NOT NULL,
    description TEXT    NOT NULL,
    restricted  INTEGER NOT NULL
);
CREATE INDEX api_scopes_api ON api_scopes (api_id);
-- Restricted scopes a developer may allow on their clients.
CREATE TABLE scope_grants (
    scope      TEXT NOT NULL,
    account_id TEXT NOT NULL,
    PRIMARY KEY (scope, account_id)
);

-- Up to three secrets a client; during a rotation's overlap the old one still authenticates.
CREATE TABLE client_secrets (
    secret_id    TEXT   NOT NULL PRIMARY KEY,
    client_id    TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX client_secrets_client ON client_secrets (client_id);
INSERT INTO client_secrets (secret_id, client_id, name, secret_hash, created_at)
SELECT 'sec_' || client_id, client_id, 'default', secret_hash, issued_at FROM clients;
ALTER TABLE clients DROP COLUMN secret_hash;
ALTER TABLE clients ADD COLUMN owner_id TEXT;
ALTER TABLE clients ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
-- The client's name, lower-cased, for the dashboard's search (the metadata JSON holds it as given).
ALTER TABLE clients ADD COLUMN name TEXT;
UPDATE clients SET name = lower(metadata::json->>'client_name');
ALTER TABLE clients ADD COLUMN last_used_at BIGINT;
-- Its scopes between spaces, for "the clients holding this scope".
ALTER TABLE clients ADD COLUMN scopes TEXT;
UPDATE clients SET scopes = ' ' || COALESCE(metadata::json->>'scope', '') || ' ';
CREATE INDEX clients_listing ON clients (issued_at, client_id);
CREATE INDEX clients_owner ON clients (owner_id, issued_at, client_id);
-- The Tokens tab lists a client's families newest first.
CREATE INDEX token_families_listing ON token_families (client_id, created_at, family_id);

-- Append-only. at is epoch milliseconds; before and after are JSON with secrets left out.
CREATE TABLE audit_events (
    seq         BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    target_kind TEXT   NOT NULL,
    target_id   TEXT   NOT NULL,
    owner_id    TEXT,
    before_json TEXT,
    after_json  TEXT,
    source      TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_owner ON audit_events (owner_id, seq);

-- Tokens issued and token endpoint errors per client and hour (epoch seconds of the hour), added to
-- by every node once a minute: on PostgreSQL the nodes' counts add up.
CREATE TABLE usage_counts (
    hour      BIGINT NOT NULL,
    client_id TEXT   NOT NULL,
    issued    BIGINT NOT NULL,
    errors    BIGINT NOT NULL,
    PRIMARY KEY (hour, client_id)
);
CREATE INDEX usage_counts_client ON usage_counts (client_id, hour);

-- The last token endpoint errors of each client, written with the counts (a bounded number a minute).
CREATE TABLE client_errors (
    client_id TEXT   NOT NULL,
    at        BIGINT NOT NULL,
    error     TEXT   NOT NULL
);
CREATE INDEX client_errors_client ON client_errors (client_id, at);
