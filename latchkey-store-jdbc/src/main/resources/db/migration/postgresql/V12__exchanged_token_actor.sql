-- Token exchange (RFC 8693 §4.1): who acts for the subject of an opaque access token, as the JSON of
-- its act claim ({"sub": ..., "client_id": ..., "act": {prior actor}}); NULL when no one does.
-- Introspection reports it, as a JWT carries it.
ALTER TABLE access_tokens ADD COLUMN act TEXT;
