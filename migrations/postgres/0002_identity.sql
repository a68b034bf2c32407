-- Identity on a server: the actor of every audit entry is the role the session signed in as
-- (session_user), checked here whatever a client sends — GrantDesk, another program or a
-- hand-written INSERT. (On an SQLite file the actor is the operating-system account.)
CREATE FUNCTION audit_log_actor_is_session_user_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'an audit entry names the role signed in (%), not %', session_user, NEW.actor;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_actor_is_session_user BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_actor_is_session_user_fn();
