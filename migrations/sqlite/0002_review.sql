-- Expert review: the reviewer pool, conflicts of interest, draws and assignments, reviews
-- with one score per rubric criterion (NULL: an explicit n/a, never a zero).

-- Standard deviation of a proposal's weighted scores (0–100 scale, in hundredths) above
-- which its reviews are flagged as disagreeing.
ALTER TABLE calls ADD COLUMN disagreement_threshold_cp INTEGER NOT NULL DEFAULT 1500
    CHECK (disagreement_threshold_cp BETWEEN 0 AND 10000);

CREATE TABLE reviewers (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    affiliation      TEXT    NOT NULL,
    -- The unified social credit code of the affiliation, when it is a registered
    -- organisation: a reviewer never reviews a proposal of their own organisation.
    affiliation_code TEXT    CHECK (affiliation_code IS NULL OR length(affiliation_code) = 18),
    email            TEXT    NOT NULL UNIQUE,
    phone            TEXT    NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

CREATE TABLE reviewer_topics (
    reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
    topic       TEXT    NOT NULL,
    PRIMARY KEY (reviewer_id, topic)
);

-- Declared conflicts (回避): with an organisation (every proposal it submits) or with one
-- proposal. Automatic conflicts (same organisation) are derived, not stored.
CREATE TABLE conflicts (
    id          INTEGER PRIMARY KEY,
    reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
    credit_code TEXT,
    proposal_id INTEGER REFERENCES proposals (id),
    reason      TEXT    NOT NULL,
    declared_on TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    CHECK ((credit_code IS NULL) <> (proposal_id IS NULL))
);
CREATE INDEX conflicts_by_reviewer ON conflicts (reviewer_id);

-- A reviewer draw: the seed makes it reproducible.
CREATE TABLE draws (
    id         INTEGER PRIMARY KEY,
    call_id    INTEGER NOT NULL REFERENCES calls (id),
    seed       TEXT    NOT NULL,
    need       INTEGER NOT NULL CHECK (need >= 1),
    cap        INTEGER NOT NULL CHECK (cap >= 1),
    created_at TEXT    NOT NULL
);

CREATE TABLE assignments (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    reviewer_id INTEGER NOT NULL REFERENCES reviewers (id),
    status      TEXT    NOT NULL CHECK (status IN ('assigned', 'declined', 'removed')),
    draw_id     INTEGER REFERENCES draws (id),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (proposal_id, reviewer_id)
);
CREATE INDEX assignments_by_reviewer ON assignments (reviewer_id, status);

CREATE TABLE reviews (
    proposal_id    INTEGER NOT NULL,
    reviewer_id    INTEGER NOT NULL,
    recommendation TEXT    NOT NULL CHECK (recommendation IN ('fund', 'fund_if_budget', 'do_not_fund')),
    comment        TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (proposal_id, reviewer_id),
    FOREIGN KEY (proposal_id, reviewer_id) REFERENCES assignments (proposal_id, reviewer_id)
);

CREATE TABLE review_scores (
    proposal_id INTEGER NOT NULL,
    reviewer_id INTEGER NOT NULL,
    criterion   TEXT    NOT NULL,
    score       INTEGER CHECK (score IS NULL OR score >= 0),
    PRIMARY KEY (proposal_id, reviewer_id, criterion),
    FOREIGN KEY (proposal_id, reviewer_id) REFERENCES reviews (proposal_id, reviewer_id)
);
