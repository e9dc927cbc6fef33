-- Sender-constrained tokens: the key a token is bound to (RFC 7800 cnf), as "<member>:<thumbprint>":
-- "jkt:..." for a DPoP key (RFC 9449), "x5t#S256:..." for a client certificate (RFC 8705); NULL for a
-- bearer token. Introspection reports it; a bound refresh token is used only with a proof of its key.
-- DPoP proofs' jti are spent in client_assertions, hashed with the key's thumbprint.
ALTER TABLE access_tokens ADD COLUMN cnf TEXT;
ALTER TABLE refresh_tokens ADD COLUMN cnf TEXT;
