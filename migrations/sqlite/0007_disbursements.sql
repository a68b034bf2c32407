-- Disbursements (经费拨付): each award's milestones, its tranche schedule and its payments.
-- The core checks every limit first and names it; these constraints and triggers are the last
-- line, so that no path (another program, a hand-written UPDATE) pays more than was awarded,
-- deletes a payment or rewrites one that was paid.

-- Milestones (节点): the signing of the task book (签订任务书), the mid-term review (中期检查),
-- the final acceptance (结题验收), and any an officer adds. An outcome is recorded once, or
-- first as passed with conditions (限期整改) and later as passed or failed.
CREATE TABLE milestones (
    id          INTEGER PRIMARY KEY,
    award_id    INTEGER NOT NULL REFERENCES awards (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('signing', 'midterm', 'acceptance', 'extra')),
    name        TEXT    NOT NULL DEFAULT '',
    due_on      TEXT    NOT NULL,
    outcome     TEXT    CHECK (outcome IN ('passed', 'conditional', 'failed')),
    decided_on  TEXT,
    -- For an outcome passed with conditions: the date by which they must be met.
    rectify_by  TEXT,
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK ((outcome IS NULL) = (decided_on IS NULL)),
    CHECK ((outcome = 'conditional') = (rectify_by IS NOT NULL))
);
CREATE INDEX milestones_by_award ON milestones (award_id);
CREATE UNIQUE INDEX milestones_one_of_each_kind ON milestones (award_id, kind) WHERE kind <> 'extra';

-- The schedule (拨付计划): the award in tranches, each due on a date and perhaps gated on a
-- milestone. The core keeps the sum equal to the award at every edit; here it may never
-- exceed it. When an award ends (terminated, or closed out) with a tranche not fully paid,
-- the tranche is kept and marked released with the unpaid part that went back to the call.
CREATE TABLE tranches (
    id           INTEGER PRIMARY KEY,
    award_id     INTEGER NOT NULL REFERENCES awards (id),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    due_on       TEXT    NOT NULL,
    milestone_id INTEGER REFERENCES milestones (id),
    released_on  TEXT,
    released_fen INTEGER NOT NULL DEFAULT 0 CHECK (released_fen BETWEEN 0 AND amount_fen),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    CHECK ((released_on IS NULL) = (released_fen = 0))
);
CREATE INDEX tranches_by_award ON tranches (award_id);

CREATE TRIGGER tranches_within_award_insert AFTER INSERT ON tranches
BEGIN
    SELECT RAISE(ABORT, 'the schedule exceeds the award')
    WHERE (SELECT SUM(amount_fen) FROM tranches WHERE award_id = NEW.award_id)
            > (SELECT amount_fen FROM awards WHERE id = NEW.award_id);
END;
CREATE TRIGGER tranches_within_award_update AFTER UPDATE ON tranches
BEGIN
    SELECT RAISE(ABORT, 'the schedule exceeds the award')
    WHERE (SELECT SUM(amount_fen) FROM tranches WHERE award_id = NEW.award_id)
            > (SELECT amount_fen FROM awards WHERE id = NEW.award_id);
    SELECT RAISE(ABORT, 'a tranche is smaller than what is approved, paid or released of it')
    WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM payments
           WHERE tranche_id = NEW.id AND status IN ('approved', 'paid')) + NEW.released_fen
            > NEW.amount_fen;
END;
CREATE TRIGGER tranches_with_payments_stay BEFORE DELETE ON tranches
BEGIN
    SELECT RAISE(ABORT, 'a tranche with payments cannot be removed')
    WHERE EXISTS (SELECT 1 FROM payments WHERE tranche_id = OLD.id);
END;

-- Payments (拨款) and clawbacks (收回). A payment is approved, then paid (date, bank
-- reference) or failed (and approved again), or cancelled before it is paid. A clawback is a
-- negative entry with its reason. Nothing here is ever deleted, and a paid entry never changes:
-- corrections are new entries.
CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    award_id    INTEGER NOT NULL REFERENCES awards (id),
    tranche_id  INTEGER REFERENCES tranches (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('payment', 'clawback')),
    amount_fen  INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('approved', 'paid', 'failed', 'cancelled')),
    approved_on TEXT    NOT NULL,
    approved_by TEXT    NOT NULL,
    paid_on     TEXT,
    paid_by     TEXT,
    bank_ref    TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK ((kind = 'payment' AND amount_fen > 0 AND tranche_id IS NOT NULL)
        OR (kind = 'clawback' AND amount_fen < 0 AND status = 'paid' AND reason <> '')),
    CHECK ((status = 'paid') = (paid_on IS NOT NULL))
);
CREATE INDEX payments_by_award ON payments (award_id);
CREATE INDEX payments_by_tranche ON payments (tranche_id);

CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payments are never deleted: record a correction');
END;
CREATE TRIGGER payments_paid_are_final BEFORE UPDATE ON payments
WHEN OLD.status = 'paid'
BEGIN
    SELECT RAISE(ABORT, 'a paid entry never changes: record a correction');
END;
CREATE TRIGGER payments_within_tranche_insert AFTER INSERT ON payments
WHEN NEW.kind = 'payment'
BEGIN
    SELECT RAISE(ABORT, 'payments exceed their tranche')
    WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM payments
           WHERE tranche_id = NEW.tranche_id AND status IN ('approved', 'paid'))
            > (SELECT amount_fen FROM tranches WHERE id = NEW.tranche_id)
       OR (SELECT released_on FROM tranches WHERE id = NEW.tranche_id) IS NOT NULL;
END;
CREATE TRIGGER payments_within_tranche_update AFTER UPDATE OF status, amount_fen ON payments
WHEN NEW.kind = 'payment'
BEGIN
    SELECT RAISE(ABORT, 'payments exceed their tranche')
    WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM payments
           WHERE tranche_id = NEW.tranche_id AND status IN ('approved', 'paid'))
            > (SELECT amount_fen FROM tranches WHERE id = NEW.tranche_id);
END;
-- A clawback never recovers more than was paid on the award.
CREATE TRIGGER clawbacks_within_paid AFTER INSERT ON payments
WHEN NEW.kind = 'clawback'
BEGIN
    SELECT RAISE(ABORT, 'a clawback exceeds what was paid')
    WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM payments
           WHERE award_id = NEW.award_id AND status = 'paid') < 0;
END;
