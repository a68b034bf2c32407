-- Live collaboration: every statement that appends to the audit log (every change to the
-- agency's data, one or many entries) tells the listening windows, after its transaction
-- commits (NOTIFY waits for the commit and is dropped on a rollback). The payload names the
-- newest entry and the application (window) that made it, so a window skips its own.
CREATE FUNCTION audit_log_notify_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    newest record;
BEGIN
    SELECT seq, entity, entity_id, action, actor INTO newest
        FROM added ORDER BY seq DESC LIMIT 1;
    IF FOUND THEN
        PERFORM pg_notify('grantdesk_changes', json_build_object(
            'seq', newest.seq,
            'entity', newest.entity,
            'entity_id', newest.entity_id,
            'action', newest.action,
            'actor', newest.actor,
            'app', current_setting('application_name', true)
        )::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_notify_fn();
