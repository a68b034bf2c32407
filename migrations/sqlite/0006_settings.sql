-- The agency's settings, one row each. `time_zone` (an IANA name) makes "today" the agency's
-- date for every front end: an act at 23:30 UTC is dated the next day in Beijing.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO settings (key, value, updated_at) VALUES ('time_zone', 'Asia/Shanghai', '1970-01-01T00:00:00.000000Z');
