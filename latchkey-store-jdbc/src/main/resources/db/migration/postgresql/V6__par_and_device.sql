-- Pushed authorization requests (RFC 9126) and the device authorization grant (RFC 8628).

-- A pushed request, by the SHA-256 of its request_uri: the parameters the client pushed, checked
-- already. It answers at most one authorization: used_at is set, by one conditional UPDATE, when a
-- code is issued or the user denies it.
CREATE TABLE pushed_requests (
    uri_hash   TEXT    NOT NULL PRIMARY KEY,
    client_id  TEXT    NOT NULL,
    parameters TEXT    NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX pushed_requests_expiry ON pushed_requests (expires_at);

-- A device authorization (RFC 8628 §3.2): the SHA-256 of its device_code, and its user_code
-- (8 consonants, unique while it lives). status: pending, approved, denied, redeemed.
-- interval_seconds grows by 5 at each slow_down (§3.5); last_poll_at is when the client last asked.
CREATE TABLE device_codes (
    device_hash      TEXT    NOT NULL PRIMARY KEY,
    user_code        TEXT    NOT NULL UNIQUE,
    client_id        TEXT    NOT NULL,
    scope            TEXT    NOT NULL,
    issued_at        BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    interval_seconds BIGINT NOT NULL,
    last_poll_at     BIGINT,
    status           TEXT    NOT NULL,
    account_id       TEXT,
    auth_time        BIGINT,
    family_id        TEXT
);
CREATE INDEX device_codes_expiry ON device_codes (expires_at);
