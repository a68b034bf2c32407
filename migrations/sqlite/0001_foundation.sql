-- GrantDesk foundation schema: calls, applicants, proposals, budget lines, audit log.
-- Money is INTEGER fen, percentages INTEGER basis points, dates ISO-8601 TEXT (portable to
-- PostgreSQL). Every CHECK repeats a rule the core enforces first, as a last line of defence.

CREATE TABLE calls (
    id                          INTEGER PRIMARY KEY,
    code                        TEXT    NOT NULL UNIQUE,
    title_zh                    TEXT    NOT NULL,
    title_en                    TEXT    NOT NULL,
    total_budget_fen            INTEGER NOT NULL CHECK (total_budget_fen > 0),
    max_awards                  INTEGER NOT NULL CHECK (max_awards >= 1),
    award_floor_fen             INTEGER NOT NULL CHECK (award_floor_fen >= 0),
    award_ceiling_fen           INTEGER NOT NULL,
    duration_months             INTEGER NOT NULL CHECK (duration_months BETWEEN 1 AND 120),
    opens_on                    TEXT    NOT NULL,
    closes_on                   TEXT    NOT NULL,
    funding_mode                TEXT    NOT NULL CHECK (funding_mode IN ('itemised', 'lump_sum')),
    min_reviewers               INTEGER NOT NULL CHECK (min_reviewers >= 1),
    max_proposals_per_applicant INTEGER NOT NULL CHECK (max_proposals_per_applicant >= 1),
    status                      TEXT    NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'decided')),
    created_at                  TEXT    NOT NULL,
    updated_at                  TEXT    NOT NULL,
    CHECK (award_floor_fen <= award_ceiling_fen AND award_ceiling_fen <= total_budget_fen),
    CHECK (opens_on < closes_on)
);

CREATE TABLE call_topics (
    call_id INTEGER NOT NULL REFERENCES calls (id),
    code    TEXT    NOT NULL,
    name_zh TEXT    NOT NULL,
    name_en TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (call_id, code)
);

CREATE TABLE call_criteria (
    call_id   INTEGER NOT NULL REFERENCES calls (id),
    key       TEXT    NOT NULL,
    name_zh   TEXT    NOT NULL,
    name_en   TEXT    NOT NULL,
    weight_bp INTEGER NOT NULL CHECK (weight_bp BETWEEN 0 AND 10000),
    max_score INTEGER NOT NULL CHECK (max_score >= 1),
    seq       INTEGER NOT NULL,
    PRIMARY KEY (call_id, key)
);

-- Indirect costs (间接费用) cap: rate_bp applies to the part of direct costs excluding
-- equipment up to up_to_fen (NULL: no upper bound, the last tier).
CREATE TABLE call_indirect_tiers (
    call_id   INTEGER NOT NULL REFERENCES calls (id),
    seq       INTEGER NOT NULL,
    up_to_fen INTEGER,
    rate_bp   INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (call_id, seq)
);

-- Tranche template (拨付批次): the share of an award paid at each milestone.
CREATE TABLE call_tranches (
    call_id   INTEGER NOT NULL REFERENCES calls (id),
    seq       INTEGER NOT NULL,
    milestone TEXT    NOT NULL CHECK (milestone IN ('signing', 'midterm', 'acceptance')),
    share_bp  INTEGER NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (call_id, seq)
);

-- Annual appropriations (年度预算) by calendar year.
CREATE TABLE call_appropriations (
    call_id    INTEGER NOT NULL REFERENCES calls (id),
    year       INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (call_id, year)
);

CREATE TABLE applicants (
    id            INTEGER PRIMARY KEY,
    credit_code   TEXT    NOT NULL UNIQUE CHECK (length(credit_code) = 18),
    name          TEXT    NOT NULL,
    bank_name     TEXT    NOT NULL,
    bank_account  TEXT    NOT NULL,
    contact_name  TEXT    NOT NULL,
    contact_phone TEXT    NOT NULL,
    contact_email TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

CREATE TABLE proposals (
    id              INTEGER PRIMARY KEY,
    call_id         INTEGER NOT NULL REFERENCES calls (id),
    reference       TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    title_en        TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    applicant_id    INTEGER NOT NULL REFERENCES applicants (id),
    pi_name         TEXT    NOT NULL,
    pi_title        TEXT    NOT NULL,
    pi_email        TEXT    NOT NULL,
    pi_phone        TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    requested_fen   INTEGER NOT NULL CHECK (requested_fen >= 0),
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'eligible', 'ineligible', 'withdrawn')),
    submitted_on    TEXT,
    -- JSON array of {code, zh, en}; NULL until the eligibility check has run.
    eligibility     TEXT,
    checked_at      TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (call_id, reference),
    FOREIGN KEY (call_id, topic) REFERENCES call_topics (call_id, code)
);
CREATE INDEX proposals_by_call ON proposals (call_id, status, topic);
CREATE INDEX proposals_by_applicant ON proposals (applicant_id);

CREATE TABLE budget_lines (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    category    TEXT    NOT NULL CHECK (category IN ('equipment', 'operations', 'personnel', 'indirect')),
    year        INTEGER NOT NULL CHECK (year >= 1),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (proposal_id, category, year)
);

-- Append-only, hash-chained audit log. hash = SHA-256(prev_hash ‖ canonical JSON of the entry).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);

-- The head of the chain, updated with every entry, so that removing the newest entries is
-- detected too.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
