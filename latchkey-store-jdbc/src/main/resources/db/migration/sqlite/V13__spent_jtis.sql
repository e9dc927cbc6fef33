-- Spent jti (private_key_jwt assertions, RFC 7523 §3; DPoP proofs, RFC 9449 §11.1), keyed by the time
-- until which each must be remembered, then its hash: that time comes from the signed JWT (the
-- assertion's exp, the proof's iat), so a replay of the same JWT meets its own row, and rows written
-- together sit together at the end of the key order. One index instead of client_assertions' three
-- (rowid, random hash, expiry), and the purge deletes from the start of the key order: about half the
-- disk writes per jti (BENCHMARKS.md, "Spent jti by time").
-- What client_assertions holds unexpired is copied, so an assertion spent before the upgrade stays spent (its time was
-- its exp plus the leeway, as now). client_assertions stays while older nodes may still write it (migrations
-- only add); the purge empties it.
CREATE TABLE spent_jtis (
    expires_at BIGINT NOT NULL,
    jti_hash   TEXT   NOT NULL,
    client_id  TEXT   NOT NULL,
    PRIMARY KEY (expires_at, jti_hash)
) WITHOUT ROWID;
INSERT INTO spent_jtis (expires_at, jti_hash, client_id) SELECT expires_at, jti_hash, client_id FROM client_assertions
    WHERE expires_at >= CAST(strftime('%s', 'now') AS INTEGER);
