-- The audit log without a unique index on its hashes (issue #17). Each entry's hash covers the
-- hash before it, and the chain is verified from the first entry to the head: two entries
-- with one hash cannot both verify, so the index guarded nothing the chain does not. It cost
-- every write a random insertion of a 64-character key — the largest single share of a bulk
-- import's database time. SQLite drops a column constraint only by rebuilding the table.
CREATE TABLE audit_log_lean (
    seq         INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
INSERT INTO audit_log_lean (seq, at, actor, entity, entity_id, action, before_json, after_json, prev_hash, hash)
    SELECT seq, at, actor, entity, entity_id, action, before_json, after_json, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_lean RENAME TO audit_log;
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
