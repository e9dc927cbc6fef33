-- What `latchkey apply` created, by the name its file gives it (DeclarationStore).
CREATE TABLE declarations (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    object_id TEXT NOT NULL,
    PRIMARY KEY (kind, name)
);
