-- Saved column mappings of spreadsheet imports: one per source, recognised by the
-- signature of its header row.
CREATE TABLE import_mappings (
    signature  TEXT PRIMARY KEY,
    headers    TEXT NOT NULL,
    -- JSON object: header → field.
    mapping    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
