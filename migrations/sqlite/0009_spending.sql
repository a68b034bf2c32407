-- Spending against budget (经费使用情况), budget adjustments (预算调剂) and close-out (结题).

-- The call's rules for how awards spend:
--  * spend_tolerance_bp: how far (basis points) a category may run over its approved line
--    before it is flagged (indirect costs have no tolerance);
--  * adjust_approval: the categories (comma-separated codes) an adjustment may raise only
--    with the agency's approval; raising any other direct cost is the institution's own
--    decision and is only recorded (2021 State Council reform); raising indirect costs is
--    never allowed;
--  * unspent_policy: keep_if_passed (结余资金 stays with an institution whose project passed
--    acceptance, recovered otherwise) or recover (always recovered).
ALTER TABLE calls ADD COLUMN spend_tolerance_bp INTEGER NOT NULL DEFAULT 1000
    CHECK (spend_tolerance_bp BETWEEN 0 AND 10000);
ALTER TABLE calls ADD COLUMN adjust_approval TEXT NOT NULL DEFAULT 'equipment';
ALTER TABLE calls ADD COLUMN unspent_policy TEXT NOT NULL DEFAULT 'keep_if_passed'
    CHECK (unspent_policy IN ('keep_if_passed', 'recover'));

-- A budget adjustment moves an amount from one category to another within one budget year.
-- One that needs approval is requested, then approved or refused; one that does not is
-- recorded. The approved budget is the award's lines plus its effective adjustments: a new
-- version each time, the original lines never overwritten.
CREATE TABLE budget_adjustments (
    id           INTEGER PRIMARY KEY,
    award_id     INTEGER NOT NULL REFERENCES awards (id),
    year         INTEGER NOT NULL CHECK (year >= 1),
    from_category TEXT   NOT NULL CHECK (from_category IN ('equipment', 'operations', 'personnel', 'indirect')),
    to_category  TEXT    NOT NULL CHECK (to_category IN ('equipment', 'operations', 'personnel')),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    reason       TEXT    NOT NULL CHECK (reason <> ''),
    status       TEXT    NOT NULL CHECK (status IN ('recorded', 'requested', 'approved', 'refused')),
    requested_on TEXT    NOT NULL,
    requested_by TEXT    NOT NULL,
    decided_on   TEXT,
    decided_by   TEXT,
    decision_note TEXT   NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    CHECK (from_category <> to_category)
);
CREATE INDEX budget_adjustments_by_award ON budget_adjustments (award_id);
CREATE TRIGGER budget_adjustments_never_deleted BEFORE DELETE ON budget_adjustments
BEGIN
    SELECT RAISE(ABORT, 'budget adjustments are never deleted');
END;

-- Spending reports from the grantee, one per project year; the last is the final report
-- (决算) that close-out reads.
CREATE TABLE spending_reports (
    id           INTEGER PRIMARY KEY,
    award_id     INTEGER NOT NULL REFERENCES awards (id),
    year         INTEGER NOT NULL CHECK (year >= 1),
    is_final     INTEGER NOT NULL DEFAULT 0 CHECK (is_final IN (0, 1)),
    submitted_on TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    UNIQUE (award_id, year)
);
CREATE TABLE spending_lines (
    report_id  INTEGER NOT NULL REFERENCES spending_reports (id),
    category   TEXT    NOT NULL CHECK (category IN ('equipment', 'operations', 'personnel', 'indirect')),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (report_id, category)
) WITHOUT ROWID;

-- Close-out: what the final report gave, the unspent balance and what became of it.
CREATE TABLE closeouts (
    award_id    INTEGER PRIMARY KEY REFERENCES awards (id),
    closed_on   TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('completed', 'terminated')),
    spent_fen   INTEGER NOT NULL CHECK (spent_fen >= 0),
    balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
    kept        INTEGER NOT NULL CHECK (kept IN (0, 1)),
    clawback_id INTEGER REFERENCES payments (id),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
);
