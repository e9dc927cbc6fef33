-- Client assertions (private_key_jwt, RFC 7523 §3) spent: a jti is accepted once, on every node, until
-- its assertion expires (hashed with the client id; no assertion is stored).
CREATE TABLE client_assertions (
    jti_hash   TEXT   NOT NULL PRIMARY KEY,
    client_id  TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX client_assertions_expiry ON client_assertions (expires_at);
