-- RFC 9449 section 10: an authorization code requested with dpop_jkt (or pushed with a DPoP proof) is bound to
-- that key's JWK SHA-256 thumbprint; NULL for an unbound code.
ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;
