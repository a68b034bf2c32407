-- Running totals of the payment ledger, kept by the database itself as payments are
-- written, so that a call's ledger and its cash-flow plan read one row per award and one
-- per month instead of every payment (`grantdesk bench ledger`: 1,000 awards × 5 tranches ×
-- 20 payments). Payments are never deleted and a paid entry never changes, so the totals
-- only ever move with an insert or a status change, both handled here.

-- Per award: approved and not yet paid, paid (gross), recovered by clawbacks.
CREATE TABLE award_totals (
    award_id      INTEGER PRIMARY KEY REFERENCES awards (id),
    pending_fen   INTEGER NOT NULL DEFAULT 0 CHECK (pending_fen >= 0),
    paid_fen      INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    recovered_fen INTEGER NOT NULL DEFAULT 0 CHECK (recovered_fen BETWEEN 0 AND paid_fen)
);

-- Per call and calendar month (YYYY-MM) of payment: paid and recovered.
CREATE TABLE paid_by_month (
    call_id       INTEGER NOT NULL REFERENCES calls (id),
    month         TEXT    NOT NULL,
    paid_fen      INTEGER NOT NULL DEFAULT 0,
    recovered_fen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, month)
) WITHOUT ROWID;

INSERT INTO award_totals (award_id, pending_fen, paid_fen, recovered_fen)
SELECT award_id,
       COALESCE(SUM(CASE WHEN status = 'approved' THEN amount_fen END), 0),
       COALESCE(SUM(CASE WHEN status = 'paid' AND amount_fen > 0 THEN amount_fen END), 0),
       COALESCE(-SUM(CASE WHEN status = 'paid' AND amount_fen < 0 THEN amount_fen END), 0)
FROM payments GROUP BY award_id;

INSERT INTO paid_by_month (call_id, month, paid_fen, recovered_fen)
SELECT w.call_id, substr(p.paid_on, 1, 7),
       SUM(CASE WHEN p.amount_fen > 0 THEN p.amount_fen ELSE 0 END),
       SUM(CASE WHEN p.amount_fen < 0 THEN -p.amount_fen ELSE 0 END)
FROM payments p JOIN awards w ON w.id = p.award_id
WHERE p.status = 'paid' GROUP BY 1, 2;

CREATE TRIGGER payments_totals_insert AFTER INSERT ON payments
BEGIN
    INSERT INTO award_totals (award_id) VALUES (NEW.award_id) ON CONFLICT (award_id) DO NOTHING;
    UPDATE award_totals SET
        pending_fen = pending_fen + (CASE WHEN NEW.status = 'approved' THEN NEW.amount_fen ELSE 0 END),
        paid_fen = paid_fen + (CASE WHEN NEW.status = 'paid' AND NEW.amount_fen > 0 THEN NEW.amount_fen ELSE 0 END),
        recovered_fen = recovered_fen + (CASE WHEN NEW.status = 'paid' AND NEW.amount_fen < 0 THEN -NEW.amount_fen ELSE 0 END)
    WHERE award_id = NEW.award_id;
    INSERT INTO paid_by_month (call_id, month, paid_fen, recovered_fen)
    SELECT w.call_id, substr(NEW.paid_on, 1, 7), max(NEW.amount_fen, 0), max(-NEW.amount_fen, 0)
    FROM awards w WHERE w.id = NEW.award_id AND NEW.status = 'paid'
    ON CONFLICT (call_id, month) DO UPDATE SET
        paid_fen = paid_fen + excluded.paid_fen,
        recovered_fen = recovered_fen + excluded.recovered_fen;
END;

CREATE TRIGGER payments_totals_update AFTER UPDATE OF status, amount_fen, paid_on ON payments
BEGIN
    UPDATE award_totals SET
        pending_fen = pending_fen
            - (CASE WHEN OLD.status = 'approved' THEN OLD.amount_fen ELSE 0 END)
            + (CASE WHEN NEW.status = 'approved' THEN NEW.amount_fen ELSE 0 END),
        paid_fen = paid_fen
            - (CASE WHEN OLD.status = 'paid' AND OLD.amount_fen > 0 THEN OLD.amount_fen ELSE 0 END)
            + (CASE WHEN NEW.status = 'paid' AND NEW.amount_fen > 0 THEN NEW.amount_fen ELSE 0 END),
        recovered_fen = recovered_fen
            - (CASE WHEN OLD.status = 'paid' AND OLD.amount_fen < 0 THEN -OLD.amount_fen ELSE 0 END)
            + (CASE WHEN NEW.status = 'paid' AND NEW.amount_fen < 0 THEN -NEW.amount_fen ELSE 0 END)
    WHERE award_id = NEW.award_id;
    INSERT INTO paid_by_month (call_id, month, paid_fen, recovered_fen)
    SELECT w.call_id, substr(NEW.paid_on, 1, 7), max(NEW.amount_fen, 0), max(-NEW.amount_fen, 0)
    FROM awards w WHERE w.id = NEW.award_id AND NEW.status = 'paid' AND OLD.status <> 'paid'
    ON CONFLICT (call_id, month) DO UPDATE SET
        paid_fen = paid_fen + excluded.paid_fen,
        recovered_fen = recovered_fen + excluded.recovered_fen;
END;
