-- GrantDesk schema for PostgreSQL (15 and later).
--
-- This file is the PostgreSQL schema equal to the SQLite migrations 0001–0011
-- (migrations/sqlite/0001_foundation.sql … 0011_letter_lang.sql) applied in order: the same
-- tables, columns (in the same order: columns SQLite added with ALTER TABLE come last), the
-- same NOT NULL / DEFAULT / CHECK / UNIQUE / FOREIGN KEY constraints, indexes, seed rows and
-- triggers (with the same error messages). Every later change gets a migration in each
-- folder, migrations/sqlite and migrations/postgres.
--
-- The application runs the same SQL text on both backends and reads integers as i64 and text
-- as String, hence:
--  * every INTEGER is BIGINT (money in fen, basis points, counts, 0/1 flags: never BOOLEAN);
--  * every TEXT is TEXT COLLATE "C", so that comparisons and ORDER BY are in byte order, as
--    SQLite's BINARY collation;
--  * dates and times stay ISO-8601 TEXT, as in SQLite (no DATE or TIMESTAMPTZ);
--  * an `INTEGER PRIMARY KEY` of SQLite (an alias of the rowid: a NULL key becomes
--    max(key) + 1) is a BIGINT PRIMARY KEY with a BEFORE INSERT trigger `<table>_next_id` doing
--    the same (grantdesk_next_id below); explicit keys are kept as given. Writers are
--    serialised by an advisory lock (store::begin_write), so max + 1 is safe;
--  * each SQLite trigger is a plpgsql function `<trigger>_fn` and a trigger of the same name,
--    BEFORE/AFTER as in SQLite, raising the same message. `SELECT RAISE(ABORT, m) WHERE c`
--    does nothing when c is NULL, hence `IF (c) IS TRUE`.
--
-- Foreign keys are plain (NOT DEFERRABLE): the one code path that defers them
-- (`PRAGMA defer_foreign_keys` in backup::restore) is SQLite-only; on a server, backups and
-- restores are pg_dump / pg_restore (backup::server_mode).
--
-- Money is integer fen, percentages integer basis points, dates ISO-8601 text. Every CHECK
-- repeats a rule the core enforces first, as a last line of defence.

-- Sets a NULL rowid-alias key to max(key) + 1 (1 in an empty table), as SQLite does for an
-- INTEGER PRIMARY KEY. The key column is `id` unless the trigger names another one
-- (TG_ARGV[0]).
CREATE FUNCTION grantdesk_next_id() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    next_key BIGINT;
BEGIN
    IF TG_NARGS = 0 THEN
        IF NEW.id IS NULL THEN
            EXECUTE format('SELECT COALESCE(MAX(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME)
                INTO NEW.id;
        END IF;
    ELSIF to_jsonb(NEW) -> TG_ARGV[0] = 'null'::jsonb THEN
        EXECUTE format('SELECT COALESCE(MAX(%I), 0) + 1 FROM %I.%I', TG_ARGV[0], TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO next_key;
        NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], next_key));
    END IF;
    RETURN NEW;
END;
$$;

-- ---------------------------------------------------------------------------------------
-- 0001 foundation: calls, applicants, proposals, budget lines, audit log.
-- ---------------------------------------------------------------------------------------

CREATE TABLE calls (
    id                          BIGINT        PRIMARY KEY,
    code                        TEXT COLLATE "C" NOT NULL UNIQUE,
    title_zh                    TEXT COLLATE "C" NOT NULL,
    title_en                    TEXT COLLATE "C" NOT NULL,
    total_budget_fen            BIGINT        NOT NULL CHECK (total_budget_fen > 0),
    max_awards                  BIGINT        NOT NULL CHECK (max_awards >= 1),
    award_floor_fen             BIGINT        NOT NULL CHECK (award_floor_fen >= 0),
    award_ceiling_fen           BIGINT        NOT NULL,
    duration_months             BIGINT        NOT NULL CHECK (duration_months BETWEEN 1 AND 120),
    opens_on                    TEXT COLLATE "C" NOT NULL,
    closes_on                   TEXT COLLATE "C" NOT NULL,
    funding_mode                TEXT COLLATE "C" NOT NULL CHECK (funding_mode IN ('itemised', 'lump_sum')),
    min_reviewers               BIGINT        NOT NULL CHECK (min_reviewers >= 1),
    max_proposals_per_applicant BIGINT        NOT NULL CHECK (max_proposals_per_applicant >= 1),
    status                      TEXT COLLATE "C" NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'decided')),
    created_at                  TEXT COLLATE "C" NOT NULL,
    updated_at                  TEXT COLLATE "C" NOT NULL,
    -- (0002) Standard deviation of a proposal's weighted scores (0–100 scale, in hundredths)
    -- above which its reviews are flagged as disagreeing.
    disagreement_threshold_cp   BIGINT        NOT NULL DEFAULT 1500
        CHECK (disagreement_threshold_cp BETWEEN 0 AND 10000),
    -- (0003) The pattern of award numbers (文号): {year} is the year of issue, {seq} the
    -- sequence number, {seq:3} zero-padded to three digits.
    award_number_pattern        TEXT COLLATE "C" NOT NULL DEFAULT '京科资〔{year}〕第{seq:3}号',
    -- (0009) How awards spend:
    --  * spend_tolerance_bp: how far (basis points) a category may run over its approved line
    --    before it is flagged (indirect costs have no tolerance);
    --  * adjust_approval: the categories (comma-separated codes) an adjustment may raise only
    --    with the agency's approval; raising any other direct cost is the institution's own
    --    decision and is only recorded (2021 State Council reform); raising indirect costs is
    --    never allowed;
    --  * unspent_policy: keep_if_passed (结余资金 stays with an institution whose project
    --    passed acceptance, recovered otherwise) or recover (always recovered).
    spend_tolerance_bp          BIGINT        NOT NULL DEFAULT 1000
        CHECK (spend_tolerance_bp BETWEEN 0 AND 10000),
    adjust_approval             TEXT COLLATE "C" NOT NULL DEFAULT 'equipment',
    unspent_policy              TEXT COLLATE "C" NOT NULL DEFAULT 'keep_if_passed'
        CHECK (unspent_policy IN ('keep_if_passed', 'recover')),
    -- (0011) The language a call's award letters are written in unless the officer picks the
    -- other one (issue #14): Chinese by default.
    letter_lang                 TEXT COLLATE "C" NOT NULL DEFAULT 'zh' CHECK (letter_lang IN ('zh', 'en')),
    CHECK (award_floor_fen <= award_ceiling_fen AND award_ceiling_fen <= total_budget_fen),
    CHECK (opens_on < closes_on)
);
CREATE TRIGGER calls_next_id BEFORE INSERT ON calls
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE TABLE call_topics (
    call_id BIGINT           NOT NULL REFERENCES calls (id),
    code    TEXT COLLATE "C" NOT NULL,
    name_zh TEXT COLLATE "C" NOT NULL,
    name_en TEXT COLLATE "C" NOT NULL,
    seq     BIGINT           NOT NULL,
    PRIMARY KEY (call_id, code)
);

CREATE TABLE call_criteria (
    call_id   BIGINT           NOT NULL REFERENCES calls (id),
    key       TEXT COLLATE "C" NOT NULL,
    name_zh   TEXT COLLATE "C" NOT NULL,
    name_en   TEXT COLLATE "C" NOT NULL,
    weight_bp BIGINT           NOT NULL CHECK (weight_bp BETWEEN 0 AND 10000),
    max_score BIGINT           NOT NULL CHECK (max_score >= 1),
    seq       BIGINT           NOT NULL,
    PRIMARY KEY (call_id, key)
);

-- Indirect costs (间接费用) cap: rate_bp applies to the part of direct costs excluding
-- equipment up to up_to_fen (NULL: no upper bound, the last tier).
CREATE TABLE call_indirect_tiers (
    call_id   BIGINT NOT NULL REFERENCES calls (id),
    seq       BIGINT NOT NULL,
    up_to_fen BIGINT,
    rate_bp   BIGINT NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (call_id, seq)
);

-- Tranche template (拨付批次): the share of an award paid at each milestone.
CREATE TABLE call_tranches (
    call_id   BIGINT           NOT NULL REFERENCES calls (id),
    seq       BIGINT           NOT NULL,
    milestone TEXT COLLATE "C" NOT NULL CHECK (milestone IN ('signing', 'midterm', 'acceptance')),
    share_bp  BIGINT           NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
    PRIMARY KEY (call_id, seq)
);

-- Annual appropriations (年度预算) by calendar year.
CREATE TABLE call_appropriations (
    call_id    BIGINT NOT NULL REFERENCES calls (id),
    year       BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (call_id, year)
);

CREATE TABLE applicants (
    id            BIGINT           PRIMARY KEY,
    credit_code   TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(credit_code) = 18),
    name          TEXT COLLATE "C" NOT NULL,
    bank_name     TEXT COLLATE "C" NOT NULL,
    bank_account  TEXT COLLATE "C" NOT NULL,
    contact_name  TEXT COLLATE "C" NOT NULL,
    contact_phone TEXT COLLATE "C" NOT NULL,
    contact_email TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER applicants_next_id BEFORE INSERT ON applicants
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE TABLE proposals (
    id              BIGINT           PRIMARY KEY,
    call_id         BIGINT           NOT NULL REFERENCES calls (id),
    reference       TEXT COLLATE "C" NOT NULL,
    title           TEXT COLLATE "C" NOT NULL,
    title_en        TEXT COLLATE "C" NOT NULL,
    summary         TEXT COLLATE "C" NOT NULL,
    applicant_id    BIGINT           NOT NULL REFERENCES applicants (id),
    pi_name         TEXT COLLATE "C" NOT NULL,
    pi_title        TEXT COLLATE "C" NOT NULL,
    pi_email        TEXT COLLATE "C" NOT NULL,
    pi_phone        TEXT COLLATE "C" NOT NULL,
    topic           TEXT COLLATE "C" NOT NULL,
    requested_fen   BIGINT           NOT NULL CHECK (requested_fen >= 0),
    status          TEXT COLLATE "C" NOT NULL CHECK (status IN ('draft', 'submitted', 'eligible', 'ineligible', 'withdrawn')),
    submitted_on    TEXT COLLATE "C",
    -- JSON array of {code, zh, en}; NULL until the eligibility check has run.
    eligibility     TEXT COLLATE "C",
    checked_at      TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    UNIQUE (call_id, reference),
    FOREIGN KEY (call_id, topic) REFERENCES call_topics (call_id, code)
);
CREATE INDEX proposals_by_call ON proposals (call_id, status, topic);
CREATE INDEX proposals_by_applicant ON proposals (applicant_id);
CREATE TRIGGER proposals_next_id BEFORE INSERT ON proposals
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE TABLE budget_lines (
    proposal_id BIGINT           NOT NULL REFERENCES proposals (id),
    category    TEXT COLLATE "C" NOT NULL CHECK (category IN ('equipment', 'operations', 'personnel', 'indirect')),
    year        BIGINT           NOT NULL CHECK (year >= 1),
    amount_fen  BIGINT           NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (proposal_id, category, year)
);

-- Append-only, hash-chained audit log. hash = SHA-256(prev_hash ‖ canonical JSON of the entry).
-- (seq is SQLite's rowid alias here, hence the next-key trigger on seq.)
CREATE TABLE audit_log (
    seq         BIGINT           PRIMARY KEY,
    at          TEXT COLLATE "C" NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    entity      TEXT COLLATE "C" NOT NULL,
    entity_id   TEXT COLLATE "C" NOT NULL,
    action      TEXT COLLATE "C" NOT NULL,
    before_json TEXT COLLATE "C",
    after_json  TEXT COLLATE "C",
    prev_hash   TEXT COLLATE "C" NOT NULL,
    hash        TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_next_id BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id('seq');

-- The head of the chain, updated with every entry, so that removing the newest entries is
-- detected too.
CREATE TABLE audit_head (
    id    BIGINT           PRIMARY KEY CHECK (id = 1),
    seq   BIGINT           NOT NULL,
    hash  TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER audit_head_next_id BEFORE INSERT ON audit_head
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- ---------------------------------------------------------------------------------------
-- 0002 review: the reviewer pool, conflicts of interest, draws and assignments, reviews with
-- one score per rubric criterion (NULL: an explicit n/a, never a zero).
-- ---------------------------------------------------------------------------------------

CREATE TABLE reviewers (
    id               BIGINT           PRIMARY KEY,
    name             TEXT COLLATE "C" NOT NULL,
    affiliation      TEXT COLLATE "C" NOT NULL,
    -- The unified social credit code of the affiliation, when it is a registered
    -- organisation: a reviewer never reviews a proposal of their own organisation.
    affiliation_code TEXT COLLATE "C" CHECK (affiliation_code IS NULL OR length(affiliation_code) = 18),
    email            TEXT COLLATE "C" NOT NULL UNIQUE,
    phone            TEXT COLLATE "C" NOT NULL,
    active           BIGINT           NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER reviewers_next_id BEFORE INSERT ON reviewers
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE TABLE reviewer_topics (
    reviewer_id BIGINT           NOT NULL REFERENCES reviewers (id),
    topic       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (reviewer_id, topic)
);

-- Declared conflicts (回避): with an organisation (every proposal it submits) or with one
-- proposal. Automatic conflicts (same organisation) are derived, not stored.
CREATE TABLE conflicts (
    id          BIGINT           PRIMARY KEY,
    reviewer_id BIGINT           NOT NULL REFERENCES reviewers (id),
    credit_code TEXT COLLATE "C",
    proposal_id BIGINT           REFERENCES proposals (id),
    reason      TEXT COLLATE "C" NOT NULL,
    declared_on TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    CHECK ((credit_code IS NULL) <> (proposal_id IS NULL))
);
CREATE INDEX conflicts_by_reviewer ON conflicts (reviewer_id);
CREATE TRIGGER conflicts_next_id BEFORE INSERT ON conflicts
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

-- A reviewer draw: the seed makes it reproducible.
CREATE TABLE draws (
    id         BIGINT           PRIMARY KEY,
    call_id    BIGINT           NOT NULL REFERENCES calls (id),
    seed       TEXT COLLATE "C" NOT NULL,
    need       BIGINT           NOT NULL CHECK (need >= 1),
    cap        BIGINT           NOT NULL CHECK (cap >= 1),
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER draws_next_id BEFORE INSERT ON draws
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE TABLE assignments (
    proposal_id    BIGINT           NOT NULL REFERENCES proposals (id),
    reviewer_id    BIGINT           NOT NULL REFERENCES reviewers (id),
    status         TEXT COLLATE "C" NOT NULL CHECK (status IN ('assigned', 'declined', 'removed')),
    draw_id        BIGINT           REFERENCES draws (id),
    created_at     TEXT COLLATE "C" NOT NULL,
    updated_at     TEXT COLLATE "C" NOT NULL,
    -- (0005) A recused assignment (回避): the reviewer turned out to be conflicted after being
    -- assigned, perhaps after scoring. Its status becomes 'removed' (never drawn again) and
    -- the reason is kept; its review stays on record but never counts.
    recused_reason TEXT COLLATE "C",
    recused_at     TEXT COLLATE "C",
    PRIMARY KEY (proposal_id, reviewer_id)
);
CREATE INDEX assignments_by_reviewer ON assignments (reviewer_id, status);

CREATE TABLE reviews (
    proposal_id    BIGINT           NOT NULL,
    reviewer_id    BIGINT           NOT NULL,
    recommendation TEXT COLLATE "C" NOT NULL CHECK (recommendation IN ('fund', 'fund_if_budget', 'do_not_fund')),
    comment        TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    updated_at     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (proposal_id, reviewer_id),
    FOREIGN KEY (proposal_id, reviewer_id) REFERENCES assignments (proposal_id, reviewer_id)
);

CREATE TABLE review_scores (
    proposal_id BIGINT           NOT NULL,
    reviewer_id BIGINT           NOT NULL,
    criterion   TEXT COLLATE "C" NOT NULL,
    score       BIGINT           CHECK (score IS NULL OR score >= 0),
    PRIMARY KEY (proposal_id, reviewer_id, criterion),
    FOREIGN KEY (proposal_id, reviewer_id) REFERENCES reviews (proposal_id, reviewer_id)
);

-- ---------------------------------------------------------------------------------------
-- 0003 decisions: award decisions (立项决定) and awards (资助).
-- ---------------------------------------------------------------------------------------

-- The officer's proposed awards of a call while it is being decided: one row per proposal.
-- (proposal_id is SQLite's rowid alias here, hence the next-key trigger on it.)
CREATE TABLE decisions (
    proposal_id BIGINT           PRIMARY KEY REFERENCES proposals (id),
    call_id     BIGINT           NOT NULL REFERENCES calls (id),
    amount_fen  BIGINT           NOT NULL CHECK (amount_fen > 0),
    -- Why the award is cut below the request (核减理由); empty when it is not cut.
    reason      TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX decisions_by_call ON decisions (call_id);
CREATE TRIGGER decisions_next_id BEFORE INSERT ON decisions
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id('proposal_id');

-- Last line of defence for the limits the core checks first: the sum of a call's proposed
-- awards never exceeds its budget, their number never its cap.
CREATE FUNCTION decisions_within_limits_insert_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT SUM(amount_fen) FROM decisions WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id)
        OR (SELECT COUNT(*) FROM decisions WHERE call_id = NEW.call_id)
            > (SELECT max_awards FROM calls WHERE id = NEW.call_id)) IS TRUE THEN
        RAISE EXCEPTION 'decisions exceed the call budget or award cap';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER decisions_within_limits_insert AFTER INSERT ON decisions
    FOR EACH ROW EXECUTE FUNCTION decisions_within_limits_insert_fn();

CREATE FUNCTION decisions_within_limits_update_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT SUM(amount_fen) FROM decisions WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id)) IS TRUE THEN
        RAISE EXCEPTION 'decisions exceed the call budget or award cap';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER decisions_within_limits_update AFTER UPDATE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decisions_within_limits_update_fn();

CREATE TABLE awards (
    id            BIGINT           PRIMARY KEY,
    call_id       BIGINT           NOT NULL REFERENCES calls (id),
    proposal_id   BIGINT           NOT NULL UNIQUE REFERENCES proposals (id),
    number        TEXT COLLATE "C" NOT NULL UNIQUE,
    number_year   BIGINT           NOT NULL,
    number_seq    BIGINT           NOT NULL CHECK (number_seq >= 1),
    amount_fen    BIGINT           NOT NULL CHECK (amount_fen > 0),
    requested_fen BIGINT           NOT NULL CHECK (amount_fen <= requested_fen),
    reason        TEXT COLLATE "C" NOT NULL DEFAULT '',
    decided_on    TEXT COLLATE "C" NOT NULL,
    start_on      TEXT COLLATE "C" NOT NULL,
    end_on        TEXT COLLATE "C" NOT NULL,
    status        TEXT COLLATE "C" NOT NULL CHECK (status IN ('offered', 'accepted', 'active', 'completed', 'terminated')),
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    CHECK (start_on < end_on)
);
CREATE INDEX awards_by_call ON awards (call_id);
CREATE TRIGGER awards_next_id BEFORE INSERT ON awards
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

-- The approved budget (批复预算): the request's lines scaled to the award, fen-exactly.
CREATE TABLE award_budget_lines (
    award_id   BIGINT           NOT NULL REFERENCES awards (id),
    category   TEXT COLLATE "C" NOT NULL CHECK (category IN ('equipment', 'operations', 'personnel', 'indirect')),
    year       BIGINT           NOT NULL CHECK (year >= 1),
    amount_fen BIGINT           NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (award_id, category, year)
);

-- ---------------------------------------------------------------------------------------
-- 0004 import: saved column mappings of spreadsheet imports, one per source, recognised by
-- the signature of its header row.
-- ---------------------------------------------------------------------------------------

CREATE TABLE import_mappings (
    signature  TEXT COLLATE "C" PRIMARY KEY,
    headers    TEXT COLLATE "C" NOT NULL,
    -- JSON object: header → field.
    mapping    TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

-- ---------------------------------------------------------------------------------------
-- 0005 integrity: the limits of a call hold across every path that can reach them (the
-- recused columns of assignments are above).
-- ---------------------------------------------------------------------------------------

-- Editing a call never leaves its proposed or issued awards above its new budget or cap.
CREATE FUNCTION calls_limits_cover_decisions_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT COALESCE(SUM(amount_fen), 0) FROM decisions WHERE call_id = NEW.id) > NEW.total_budget_fen
        OR (SELECT COUNT(*) FROM decisions WHERE call_id = NEW.id) > NEW.max_awards
        OR (SELECT COALESCE(SUM(amount_fen), 0) FROM awards WHERE call_id = NEW.id) > NEW.total_budget_fen
        OR (SELECT COUNT(*) FROM awards WHERE call_id = NEW.id) > NEW.max_awards) IS TRUE THEN
        RAISE EXCEPTION 'the call budget or award cap is below its proposed or issued awards';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER calls_limits_cover_decisions AFTER UPDATE OF total_budget_fen, max_awards ON calls
    FOR EACH ROW EXECUTE FUNCTION calls_limits_cover_decisions_fn();

-- Issued awards stay within the budget and the cap of their call, and within its floor and
-- ceiling.
CREATE FUNCTION awards_within_limits_insert_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT SUM(amount_fen) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id)
        OR (SELECT COUNT(*) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT max_awards FROM calls WHERE id = NEW.call_id)
        OR NEW.amount_fen < (SELECT award_floor_fen FROM calls WHERE id = NEW.call_id)
        OR NEW.amount_fen > (SELECT award_ceiling_fen FROM calls WHERE id = NEW.call_id)) IS TRUE THEN
        RAISE EXCEPTION 'awards exceed the call budget, award cap, floor or ceiling';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER awards_within_limits_insert AFTER INSERT ON awards
    FOR EACH ROW EXECUTE FUNCTION awards_within_limits_insert_fn();

CREATE FUNCTION awards_within_limits_update_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT SUM(amount_fen) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id)
        OR (SELECT COUNT(*) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT max_awards FROM calls WHERE id = NEW.call_id)
        OR NEW.amount_fen < (SELECT award_floor_fen FROM calls WHERE id = NEW.call_id)
        OR NEW.amount_fen > (SELECT award_ceiling_fen FROM calls WHERE id = NEW.call_id)) IS TRUE THEN
        RAISE EXCEPTION 'awards exceed the call budget, award cap, floor or ceiling';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER awards_within_limits_update AFTER UPDATE OF amount_fen, call_id ON awards
    FOR EACH ROW EXECUTE FUNCTION awards_within_limits_update_fn();

-- ---------------------------------------------------------------------------------------
-- 0006 settings: the agency's settings, one row each. `time_zone` (an IANA name) makes
-- "today" the agency's date for every front end: an act at 23:30 UTC is dated the next day
-- in Beijing.
-- ---------------------------------------------------------------------------------------

CREATE TABLE settings (
    key        TEXT COLLATE "C" PRIMARY KEY,
    value      TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
INSERT INTO settings (key, value, updated_at) VALUES ('time_zone', 'Asia/Shanghai', '1970-01-01T00:00:00.000000Z');

-- ---------------------------------------------------------------------------------------
-- 0007 disbursements (经费拨付): each award's milestones, its tranche schedule and its
-- payments. The core checks every limit first and names it; these constraints and triggers
-- are the last line, so that no path (another program, a hand-written UPDATE) pays more than
-- was awarded, deletes a payment or rewrites one that was paid.
-- ---------------------------------------------------------------------------------------

-- Milestones (节点): the signing of the task book (签订任务书), the mid-term review (中期检查),
-- the final acceptance (结题验收), and any an officer adds. An outcome is recorded once, or
-- first as passed with conditions (限期整改) and later as passed or failed.
CREATE TABLE milestones (
    id          BIGINT           PRIMARY KEY,
    award_id    BIGINT           NOT NULL REFERENCES awards (id),
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('signing', 'midterm', 'acceptance', 'extra')),
    name        TEXT COLLATE "C" NOT NULL DEFAULT '',
    due_on      TEXT COLLATE "C" NOT NULL,
    outcome     TEXT COLLATE "C" CHECK (outcome IN ('passed', 'conditional', 'failed')),
    decided_on  TEXT COLLATE "C",
    -- For an outcome passed with conditions: the date by which they must be met.
    rectify_by  TEXT COLLATE "C",
    note        TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    CHECK ((outcome IS NULL) = (decided_on IS NULL)),
    CHECK ((outcome = 'conditional') = (rectify_by IS NOT NULL))
);
CREATE INDEX milestones_by_award ON milestones (award_id);
CREATE UNIQUE INDEX milestones_one_of_each_kind ON milestones (award_id, kind) WHERE kind <> 'extra';
CREATE TRIGGER milestones_next_id BEFORE INSERT ON milestones
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

-- The schedule (拨付计划): the award in tranches, each due on a date and perhaps gated on a
-- milestone. The core keeps the sum equal to the award at every edit; here it may never
-- exceed it. When an award ends (terminated, or closed out) with a tranche not fully paid,
-- the tranche is kept and marked released with the unpaid part that went back to the call.
CREATE TABLE tranches (
    id           BIGINT           PRIMARY KEY,
    award_id     BIGINT           NOT NULL REFERENCES awards (id),
    seq          BIGINT           NOT NULL CHECK (seq >= 1),
    amount_fen   BIGINT           NOT NULL CHECK (amount_fen > 0),
    due_on       TEXT COLLATE "C" NOT NULL,
    milestone_id BIGINT           REFERENCES milestones (id),
    released_on  TEXT COLLATE "C",
    released_fen BIGINT           NOT NULL DEFAULT 0 CHECK (released_fen BETWEEN 0 AND amount_fen),
    created_at   TEXT COLLATE "C" NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL,
    CHECK ((released_on IS NULL) = (released_fen = 0))
);
CREATE INDEX tranches_by_award ON tranches (award_id);
CREATE TRIGGER tranches_next_id BEFORE INSERT ON tranches
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE FUNCTION tranches_within_award_insert_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT SUM(amount_fen) FROM tranches WHERE award_id = NEW.award_id)
            > (SELECT amount_fen FROM awards WHERE id = NEW.award_id)) IS TRUE THEN
        RAISE EXCEPTION 'the schedule exceeds the award';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER tranches_within_award_insert AFTER INSERT ON tranches
    FOR EACH ROW EXECUTE FUNCTION tranches_within_award_insert_fn();

CREATE FUNCTION tranches_within_award_update_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT SUM(amount_fen) FROM tranches WHERE award_id = NEW.award_id)
            > (SELECT amount_fen FROM awards WHERE id = NEW.award_id)) IS TRUE THEN
        RAISE EXCEPTION 'the schedule exceeds the award';
    END IF;
    IF ((SELECT COALESCE(SUM(amount_fen), 0) FROM payments
         WHERE tranche_id = NEW.id AND status IN ('approved', 'paid')) + NEW.released_fen
            > NEW.amount_fen) IS TRUE THEN
        RAISE EXCEPTION 'a tranche is smaller than what is approved, paid or released of it';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER tranches_within_award_update AFTER UPDATE ON tranches
    FOR EACH ROW EXECUTE FUNCTION tranches_within_award_update_fn();

CREATE FUNCTION tranches_with_payments_stay_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM payments WHERE tranche_id = OLD.id) THEN
        RAISE EXCEPTION 'a tranche with payments cannot be removed';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER tranches_with_payments_stay BEFORE DELETE ON tranches
    FOR EACH ROW EXECUTE FUNCTION tranches_with_payments_stay_fn();

-- Payments (拨款) and clawbacks (收回). A payment is approved, then paid (date, bank
-- reference) or failed (and approved again), or cancelled before it is paid. A clawback is a
-- negative entry with its reason. Nothing here is ever deleted, and a paid entry never
-- changes: corrections are new entries. (batch_id: 0010; its foreign key is added below,
-- once payment_batches exists.)
CREATE TABLE payments (
    id          BIGINT           PRIMARY KEY,
    award_id    BIGINT           NOT NULL REFERENCES awards (id),
    tranche_id  BIGINT           REFERENCES tranches (id),
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('payment', 'clawback')),
    amount_fen  BIGINT           NOT NULL,
    status      TEXT COLLATE "C" NOT NULL CHECK (status IN ('approved', 'paid', 'failed', 'cancelled')),
    approved_on TEXT COLLATE "C" NOT NULL,
    approved_by TEXT COLLATE "C" NOT NULL,
    paid_on     TEXT COLLATE "C",
    paid_by     TEXT COLLATE "C",
    bank_ref    TEXT COLLATE "C" NOT NULL DEFAULT '',
    reason      TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    batch_id    BIGINT,
    CHECK ((kind = 'payment' AND amount_fen > 0 AND tranche_id IS NOT NULL)
        OR (kind = 'clawback' AND amount_fen < 0 AND status = 'paid' AND reason <> '')),
    CHECK ((status = 'paid') = (paid_on IS NOT NULL))
);
CREATE INDEX payments_by_award ON payments (award_id);
CREATE INDEX payments_by_tranche ON payments (tranche_id);
CREATE TRIGGER payments_next_id BEFORE INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE FUNCTION payments_never_deleted_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payments are never deleted: record a correction';
END;
$$;
CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_never_deleted_fn();

CREATE FUNCTION payments_paid_are_final_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a paid entry never changes: record a correction';
END;
$$;
CREATE TRIGGER payments_paid_are_final BEFORE UPDATE ON payments
    FOR EACH ROW WHEN (OLD.status = 'paid') EXECUTE FUNCTION payments_paid_are_final_fn();

CREATE FUNCTION payments_within_tranche_insert_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT COALESCE(SUM(amount_fen), 0) FROM payments
         WHERE tranche_id = NEW.tranche_id AND status IN ('approved', 'paid'))
            > (SELECT amount_fen FROM tranches WHERE id = NEW.tranche_id)
        OR (SELECT released_on FROM tranches WHERE id = NEW.tranche_id) IS NOT NULL) IS TRUE THEN
        RAISE EXCEPTION 'payments exceed their tranche';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_within_tranche_insert AFTER INSERT ON payments
    FOR EACH ROW WHEN (NEW.kind = 'payment') EXECUTE FUNCTION payments_within_tranche_insert_fn();

CREATE FUNCTION payments_within_tranche_update_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT COALESCE(SUM(amount_fen), 0) FROM payments
         WHERE tranche_id = NEW.tranche_id AND status IN ('approved', 'paid'))
            > (SELECT amount_fen FROM tranches WHERE id = NEW.tranche_id)) IS TRUE THEN
        RAISE EXCEPTION 'payments exceed their tranche';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_within_tranche_update AFTER UPDATE OF status, amount_fen ON payments
    FOR EACH ROW WHEN (NEW.kind = 'payment') EXECUTE FUNCTION payments_within_tranche_update_fn();

-- A clawback never recovers more than was paid on the award.
CREATE FUNCTION clawbacks_within_paid_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF ((SELECT COALESCE(SUM(amount_fen), 0) FROM payments
         WHERE award_id = NEW.award_id AND status = 'paid') < 0) IS TRUE THEN
        RAISE EXCEPTION 'a clawback exceeds what was paid';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER clawbacks_within_paid AFTER INSERT ON payments
    FOR EACH ROW WHEN (NEW.kind = 'clawback') EXECUTE FUNCTION clawbacks_within_paid_fn();

-- ---------------------------------------------------------------------------------------
-- 0008 ledger totals: running totals of the payment ledger, kept by the database itself as
-- payments are written, so that a call's ledger and its cash-flow plan read one row per award
-- and one per month instead of every payment (`grantdesk bench ledger`: 1,000 awards × 5
-- tranches × 20 payments). Payments are never deleted and a paid entry never changes, so the
-- totals only ever move with an insert or a status change, both handled here. (SQLite's
-- backfill of these tables from existing payments has nothing to read in a new database.)
-- ---------------------------------------------------------------------------------------

-- Per award: approved and not yet paid, paid (gross), recovered by clawbacks.
-- (award_id is SQLite's rowid alias here, hence the next-key trigger on it.)
CREATE TABLE award_totals (
    award_id      BIGINT PRIMARY KEY REFERENCES awards (id),
    pending_fen   BIGINT NOT NULL DEFAULT 0 CHECK (pending_fen >= 0),
    paid_fen      BIGINT NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    recovered_fen BIGINT NOT NULL DEFAULT 0 CHECK (recovered_fen BETWEEN 0 AND paid_fen)
);
CREATE TRIGGER award_totals_next_id BEFORE INSERT ON award_totals
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id('award_id');

-- Per call and calendar month (YYYY-MM) of payment: paid and recovered. (WITHOUT ROWID in
-- SQLite.)
CREATE TABLE paid_by_month (
    call_id       BIGINT           NOT NULL REFERENCES calls (id),
    month         TEXT COLLATE "C" NOT NULL,
    paid_fen      BIGINT           NOT NULL DEFAULT 0,
    recovered_fen BIGINT           NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, month)
);

CREATE FUNCTION payments_totals_insert_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO award_totals (award_id) VALUES (NEW.award_id) ON CONFLICT (award_id) DO NOTHING;
    UPDATE award_totals SET
        pending_fen = pending_fen + (CASE WHEN NEW.status = 'approved' THEN NEW.amount_fen ELSE 0 END),
        paid_fen = paid_fen + (CASE WHEN NEW.status = 'paid' AND NEW.amount_fen > 0 THEN NEW.amount_fen ELSE 0 END),
        recovered_fen = recovered_fen + (CASE WHEN NEW.status = 'paid' AND NEW.amount_fen < 0 THEN -NEW.amount_fen ELSE 0 END)
    WHERE award_id = NEW.award_id;
    INSERT INTO paid_by_month (call_id, month, paid_fen, recovered_fen)
    SELECT w.call_id, substr(NEW.paid_on, 1, 7), GREATEST(NEW.amount_fen, 0), GREATEST(-NEW.amount_fen, 0)
    FROM awards w WHERE w.id = NEW.award_id AND NEW.status = 'paid'
    ON CONFLICT (call_id, month) DO UPDATE SET
        paid_fen = paid_by_month.paid_fen + excluded.paid_fen,
        recovered_fen = paid_by_month.recovered_fen + excluded.recovered_fen;
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_totals_insert AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_totals_insert_fn();

CREATE FUNCTION payments_totals_update_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
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
    SELECT w.call_id, substr(NEW.paid_on, 1, 7), GREATEST(NEW.amount_fen, 0), GREATEST(-NEW.amount_fen, 0)
    FROM awards w WHERE w.id = NEW.award_id AND NEW.status = 'paid' AND OLD.status <> 'paid'
    ON CONFLICT (call_id, month) DO UPDATE SET
        paid_fen = paid_by_month.paid_fen + excluded.paid_fen,
        recovered_fen = paid_by_month.recovered_fen + excluded.recovered_fen;
    RETURN NULL;
END;
$$;
CREATE TRIGGER payments_totals_update AFTER UPDATE OF status, amount_fen, paid_on ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_totals_update_fn();

-- ---------------------------------------------------------------------------------------
-- 0009 spending against budget (经费使用情况), budget adjustments (预算调剂) and close-out
-- (结题). (The call's spending rules are the last columns of calls, above.)
-- ---------------------------------------------------------------------------------------

-- A budget adjustment moves an amount from one category to another within one budget year.
-- One that needs approval is requested, then approved or refused; one that does not is
-- recorded. The approved budget is the award's lines plus its effective adjustments: a new
-- version each time, the original lines never overwritten.
CREATE TABLE budget_adjustments (
    id            BIGINT           PRIMARY KEY,
    award_id      BIGINT           NOT NULL REFERENCES awards (id),
    year          BIGINT           NOT NULL CHECK (year >= 1),
    from_category TEXT COLLATE "C" NOT NULL CHECK (from_category IN ('equipment', 'operations', 'personnel', 'indirect')),
    to_category   TEXT COLLATE "C" NOT NULL CHECK (to_category IN ('equipment', 'operations', 'personnel')),
    amount_fen    BIGINT           NOT NULL CHECK (amount_fen > 0),
    reason        TEXT COLLATE "C" NOT NULL CHECK (reason <> ''),
    status        TEXT COLLATE "C" NOT NULL CHECK (status IN ('recorded', 'requested', 'approved', 'refused')),
    requested_on  TEXT COLLATE "C" NOT NULL,
    requested_by  TEXT COLLATE "C" NOT NULL,
    decided_on    TEXT COLLATE "C",
    decided_by    TEXT COLLATE "C",
    decision_note TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    CHECK (from_category <> to_category)
);
CREATE INDEX budget_adjustments_by_award ON budget_adjustments (award_id);
CREATE TRIGGER budget_adjustments_next_id BEFORE INSERT ON budget_adjustments
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

CREATE FUNCTION budget_adjustments_never_deleted_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'budget adjustments are never deleted';
END;
$$;
CREATE TRIGGER budget_adjustments_never_deleted BEFORE DELETE ON budget_adjustments
    FOR EACH ROW EXECUTE FUNCTION budget_adjustments_never_deleted_fn();

-- Spending reports from the grantee, one per project year; the last is the final report
-- (决算) that close-out reads.
CREATE TABLE spending_reports (
    id           BIGINT           PRIMARY KEY,
    award_id     BIGINT           NOT NULL REFERENCES awards (id),
    year         BIGINT           NOT NULL CHECK (year >= 1),
    is_final     BIGINT           NOT NULL DEFAULT 0 CHECK (is_final IN (0, 1)),
    submitted_on TEXT COLLATE "C" NOT NULL,
    note         TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at   TEXT COLLATE "C" NOT NULL,
    UNIQUE (award_id, year)
);
CREATE TRIGGER spending_reports_next_id BEFORE INSERT ON spending_reports
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

-- (WITHOUT ROWID in SQLite.)
CREATE TABLE spending_lines (
    report_id  BIGINT           NOT NULL REFERENCES spending_reports (id),
    category   TEXT COLLATE "C" NOT NULL CHECK (category IN ('equipment', 'operations', 'personnel', 'indirect')),
    amount_fen BIGINT           NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (report_id, category)
);

-- Close-out: what the final report gave, the unspent balance and what became of it.
-- (award_id is SQLite's rowid alias here, hence the next-key trigger on it.)
CREATE TABLE closeouts (
    award_id    BIGINT           PRIMARY KEY REFERENCES awards (id),
    closed_on   TEXT COLLATE "C" NOT NULL,
    outcome     TEXT COLLATE "C" NOT NULL CHECK (outcome IN ('completed', 'terminated')),
    spent_fen   BIGINT           NOT NULL CHECK (spent_fen >= 0),
    balance_fen BIGINT           NOT NULL CHECK (balance_fen >= 0),
    kept        BIGINT           NOT NULL CHECK (kept IN (0, 1)),
    clawback_id BIGINT           REFERENCES payments (id),
    note        TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at  TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER closeouts_next_id BEFORE INSERT ON closeouts
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id('award_id');

-- ---------------------------------------------------------------------------------------
-- 0010 payment batches (支付清单): the approved payments of a call handed to the finance
-- office together, and marked paid together.
-- ---------------------------------------------------------------------------------------

CREATE TABLE payment_batches (
    id         BIGINT           PRIMARY KEY,
    call_id    BIGINT           NOT NULL REFERENCES calls (id),
    reference  TEXT COLLATE "C" NOT NULL UNIQUE,
    from_on    TEXT COLLATE "C" NOT NULL,
    to_on      TEXT COLLATE "C" NOT NULL,
    created_on TEXT COLLATE "C" NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    paid_on    TEXT COLLATE "C",
    paid_by    TEXT COLLATE "C",
    created_at TEXT COLLATE "C" NOT NULL,
    CHECK (from_on <= to_on)
);
CREATE TRIGGER payment_batches_next_id BEFORE INSERT ON payment_batches
    FOR EACH ROW EXECUTE FUNCTION grantdesk_next_id();

-- payments.batch_id (the last column of payments, above) REFERENCES payment_batches (id).
ALTER TABLE payments ADD FOREIGN KEY (batch_id) REFERENCES payment_batches (id);
CREATE INDEX payments_by_batch ON payments (batch_id) WHERE batch_id IS NOT NULL;
