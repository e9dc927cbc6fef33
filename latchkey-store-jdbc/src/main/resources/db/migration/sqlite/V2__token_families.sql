-- One row per refresh token family (RFC 9700 §4.14.2). Rotation and revocation both take the
-- family's row lock first, so they serialize: a revocation that has answered leaves no token of
-- the family working, whatever was in flight (issue 12, item 1).
--   revoked            1 once the family is revoked (by RFC 7009, reuse detection or client deletion)
--   access_expires_at  the latest exp of any access token issued in the family: how long a revoked
--                      family's JWTs must be remembered
--   refresh_expires_at the latest expiry of any of its refresh tokens: after both, the row is purged
--   expires_at         the absolute end of the family (refresh_token_absolute_ttl), or null
CREATE TABLE token_families (
    family_id          TEXT    NOT NULL PRIMARY KEY,
    client_id          TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    last_used_at       INTEGER NOT NULL,
    expires_at         INTEGER,
    refresh_expires_at INTEGER NOT NULL,
    access_expires_at  INTEGER NOT NULL,
    revoked            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX token_families_client ON token_families (client_id);
CREATE INDEX token_families_expiry ON token_families (refresh_expires_at);

-- Families issued before this migration: their JWTs' lifetimes were not recorded, so a revocation
-- remembers them for a year (more than any access token lifetime a client can register).
INSERT INTO token_families (family_id, client_id, created_at, last_used_at, expires_at, refresh_expires_at,
                            access_expires_at, revoked)
SELECT family_id, MIN(client_id), MIN(issued_at), MAX(issued_at), NULL, MAX(expires_at),
       MAX(issued_at) + 31536000, CASE WHEN MIN(state) = 2 THEN 1 ELSE 0 END
FROM refresh_tokens GROUP BY family_id;

-- Finding whether a jti was already revoked (a second revocation of a JWT is a no-op).
CREATE INDEX changes_ref ON changes (ref);
