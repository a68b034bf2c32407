-- Integrity: the limits of a call hold across every path that can reach them, and a review
-- whose reviewer turned out to be conflicted is marked recused and never counts.

-- Editing a call never leaves its proposed or issued awards above its new budget or cap.
CREATE TRIGGER calls_limits_cover_decisions AFTER UPDATE OF total_budget_fen, max_awards ON calls
BEGIN
    SELECT RAISE(ABORT, 'the call budget or award cap is below its proposed or issued awards')
    WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM decisions WHERE call_id = NEW.id) > NEW.total_budget_fen
       OR (SELECT COUNT(*) FROM decisions WHERE call_id = NEW.id) > NEW.max_awards
       OR (SELECT COALESCE(SUM(amount_fen), 0) FROM awards WHERE call_id = NEW.id) > NEW.total_budget_fen
       OR (SELECT COUNT(*) FROM awards WHERE call_id = NEW.id) > NEW.max_awards;
END;

-- Issued awards stay within the budget and the cap of their call, and within its floor and
-- ceiling.
CREATE TRIGGER awards_within_limits_insert AFTER INSERT ON awards
BEGIN
    SELECT RAISE(ABORT, 'awards exceed the call budget, award cap, floor or ceiling')
    WHERE (SELECT SUM(amount_fen) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id)
       OR (SELECT COUNT(*) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT max_awards FROM calls WHERE id = NEW.call_id)
       OR NEW.amount_fen < (SELECT award_floor_fen FROM calls WHERE id = NEW.call_id)
       OR NEW.amount_fen > (SELECT award_ceiling_fen FROM calls WHERE id = NEW.call_id);
END;
CREATE TRIGGER awards_within_limits_update AFTER UPDATE OF amount_fen, call_id ON awards
BEGIN
    SELECT RAISE(ABORT, 'awards exceed the call budget, award cap, floor or ceiling')
    WHERE (SELECT SUM(amount_fen) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT total_budget_fen FROM calls WHERE id = NEW.call_id)
       OR (SELECT COUNT(*) FROM awards WHERE call_id = NEW.call_id)
            > (SELECT max_awards FROM calls WHERE id = NEW.call_id)
       OR NEW.amount_fen < (SELECT award_floor_fen FROM calls WHERE id = NEW.call_id)
       OR NEW.amount_fen > (SELECT award_ceiling_fen FROM calls WHERE id = NEW.call_id);
END;

-- A recused assignment (回避): the reviewer turned out to be conflicted after being assigned,
-- perhaps after scoring. Its status becomes 'removed' (never drawn again) and the reason is
-- kept; its review stays on record but never counts.
ALTER TABLE assignments ADD COLUMN recused_reason TEXT;
ALTER TABLE assignments ADD COLUMN recused_at TEXT;
