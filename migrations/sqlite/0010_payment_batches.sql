-- Payment batches (支付清单): the approved payments of a call handed to the finance office
-- together, and marked paid together.
CREATE TABLE payment_batches (
    id         INTEGER PRIMARY KEY,
    call_id    INTEGER NOT NULL REFERENCES calls (id),
    reference  TEXT    NOT NULL UNIQUE,
    from_on    TEXT    NOT NULL,
    to_on      TEXT    NOT NULL,
    created_on TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    paid_on    TEXT,
    paid_by    TEXT,
    created_at TEXT    NOT NULL,
    CHECK (from_on <= to_on)
);
ALTER TABLE payments ADD COLUMN batch_id INTEGER REFERENCES payment_batches (id);
CREATE INDEX payments_by_batch ON payments (batch_id) WHERE batch_id IS NOT NULL;
