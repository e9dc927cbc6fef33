-- One row per refresh token family (RFC 9700 §4.14.2). A rotation holds a share lock on its
-- family's row while it writes; a revocation updates the row, which waits for those locks and
-- makes later rotations find the family revoked. So the two serialize: a revocation that has
-- answered leaves no token of the family working, whatever was in flight (issue 12, item 1).
-- The row is written when the family starts and when it is revoked, never on a rotation.
--   expires_at  the absolute end of the family (refresh_token_absolute_ttl), or null
--   revoked     1 once the family is revoked (by RFC 7009, reuse detection or client deletion)
CREATE TABLE token_families (
    family_id  TEXT    NOT NULL PRIMARY KEY,
    client_id  TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX token_families_client ON token_families (client_id);

INSERT INTO token_families (family_id, client_id, created_at, expires_at, revoked)
SELECT family_id, MIN(client_id), MIN(issued_at), NULL, CASE WHEN MIN(state) = 2 THEN 1 ELSE 0 END
FROM refresh_tokens GROUP BY family_id;

-- The expiry of the access token issued with each refresh token: a revoked family's JWTs are
-- remembered until the latest of them expires. Tokens issued before this migration did not record
-- it; a revocation assumes a year for them (more than any access token lifetime a client can have).
ALTER TABLE refresh_tokens ADD COLUMN access_expires_at BIGINT;

-- The family's absolute end, copied into every token of it, so a token is read without its family:
-- a token's state already says whether its family is revoked (a revocation revokes every token of
-- the family in the same transaction), and the join cost SQLite reads about twice as much.
ALTER TABLE refresh_tokens ADD COLUMN family_expires_at BIGINT;

-- Finding whether a jti was already revoked (a second revocation of a JWT is a no-op).
CREATE INDEX changes_ref ON changes (ref);
