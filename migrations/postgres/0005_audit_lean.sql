-- The audit log without a unique index on its hashes (issue #17; SQLite's 0012): each entry's
-- hash covers the one before it and the chain is verified end to end, so the index guarded
-- nothing the chain does not, and cost every write a random insertion of a 64-character key.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_hash_key;
