-- Award decisions (立项决定) and awards (资助).

-- The pattern of award numbers (文号): {year} is the year of issue, {seq} the sequence
-- number, {seq:3} zero-padded to three digits.
ALTER TABLE calls ADD COLUMN award_number_pattern TEXT NOT NULL DEFAULT '京科资〔{year}〕第{seq:3}号';

-- The officer's proposed awards of a call while it is being decided: one row per proposal.
CREATE TABLE decisions (
    proposal_id INTEGER PRIMARY KEY REFERENCES proposals (id),
    call_id     INTEGER NOT NULL REFERENCES calls (id),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    -- Why the award is cut below the request (核减理由); empty when it is not cut.
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX decisions_by_call ON decisions (call_id);

-- Last line of defence for the limits the core checks first: the sum of a call's proposed
-- awards never exceeds its budget, their number never its cap.
CREATE TRIGGER decisions_within_limits_insert AFTER INSERT ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions exceed the call budget or award cap')
    WHERE (SELECT SUM(amount_fen) FROM decisions WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id)
       OR (SELECT COUNT(*) FROM decisions WHERE call_id = NEW.call_id)
            > (SELECT max_awards FROM calls WHERE id = NEW.call_id);
END;
CREATE TRIGGER decisions_within_limits_update AFTER UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions exceed the call budget or award cap')
    WHERE (SELECT SUM(amount_fen) FROM decisions WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id);
END;

CREATE TABLE awards (
    id          INTEGER PRIMARY KEY,
    call_id     INTEGER NOT NULL REFERENCES calls (id),
    proposal_id INTEGER NOT NULL UNIQUE REFERENCES proposals (id),
    number      TEXT    NOT NULL UNIQUE,
    number_year INTEGER NOT NULL,
    number_seq  INTEGER NOT NULL CHECK (number_seq >= 1),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    requested_fen INTEGER NOT NULL CHECK (amount_fen <= requested_fen),
    reason      TEXT    NOT NULL DEFAULT '',
    decided_on  TEXT    NOT NULL,
    start_on    TEXT    NOT NULL,
    end_on      TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('offered', 'accepted', 'active', 'completed', 'terminated')),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK (start_on < end_on)
);
CREATE INDEX awards_by_call ON awards (call_id);

-- The approved budget (批复预算): the request's lines scaled to the award, fen-exactly.
CREATE TABLE award_budget_lines (
    award_id   INTEGER NOT NULL REFERENCES awards (id),
    category   TEXT    NOT NULL CHECK (category IN ('equipment', 'operations', 'personnel', 'indirect')),
    year       INTEGER NOT NULL CHECK (year >= 1),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (award_id, category, year)
);
