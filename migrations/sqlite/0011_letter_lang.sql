-- The language a call's award letters are written in unless the officer picks the other one
-- (issue #14): Chinese by default.
ALTER TABLE calls ADD COLUMN letter_lang TEXT NOT NULL DEFAULT 'zh' CHECK (letter_lang IN ('zh', 'en'));
