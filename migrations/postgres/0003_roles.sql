-- Officers' roles (岗位) on a server, as PostgreSQL group roles; each officer signs in as their
-- own role, a member of one or more of them (`grantdesk officer add NAME --role finance`).
--   grantdesk_viewer         查看      reads everything, changes nothing
--   grantdesk_programme      项目主管  calls, proposals, review, proposed decisions, schedules
--   grantdesk_finance        财务      approves payments, records them paid
--   grantdesk_director       审批      issues awards, rules on them
--   grantdesk_administrator  管理员    the agency's settings, the officers
-- The core checks each duty first and names it; the grants and triggers below hold against
-- any other client too. Group roles belong to the whole server: every GrantDesk database on
-- it shares them. Creating them needs CREATEROLE (the database's owner, at its first start).
-- A superuser is beyond any check (it could drop the triggers): officers never sign in as one.

DO $$
DECLARE g text;
BEGIN
    FOREACH g IN ARRAY ARRAY['grantdesk_viewer', 'grantdesk_programme', 'grantdesk_finance',
                             'grantdesk_director', 'grantdesk_administrator'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            -- Another database of the server may be creating it at this moment.
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', g);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

DO $$
BEGIN
    GRANT grantdesk_viewer TO grantdesk_programme, grantdesk_finance, grantdesk_director,
        grantdesk_administrator;
EXCEPTION WHEN unique_violation THEN
    NULL; -- granted by another database's migration at this moment
END
$$;

-- Reading: every role. The schema's later tables get the same (default privileges of the
-- role that runs the migrations).
GRANT USAGE ON SCHEMA public TO grantdesk_viewer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO grantdesk_viewer;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO grantdesk_viewer;

-- Writing: the four working roles; a viewer's connection writes nothing, from any client.
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public
    TO grantdesk_programme, grantdesk_finance, grantdesk_director, grantdesk_administrator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT INSERT, UPDATE, DELETE ON TABLES
    TO grantdesk_programme, grantdesk_finance, grantdesk_director, grantdesk_administrator;
-- The audit log is appended to, never changed, by anyone but its owner.
REVOKE UPDATE, DELETE ON audit_log
    FROM grantdesk_programme, grantdesk_finance, grantdesk_director, grantdesk_administrator;
REVOKE DELETE ON audit_head
    FROM grantdesk_programme, grantdesk_finance, grantdesk_director, grantdesk_administrator;
-- The agency's settings: the administrator's.
REVOKE INSERT, UPDATE, DELETE ON settings
    FROM grantdesk_programme, grantdesk_finance, grantdesk_director;
REVOKE INSERT, UPDATE, DELETE ON _sqlx_migrations
    FROM grantdesk_programme, grantdesk_finance, grantdesk_director, grantdesk_administrator;

-- Whether the signed-in role holds a duty's group (a superuser holds every one).
CREATE FUNCTION grantdesk_holds(duty text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(session_user, 'grantdesk_' || duty, 'MEMBER')
$$;

CREATE FUNCTION grantdesk_superuser() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$$;

-- Only a director issues awards and terminates them. (An award also becomes active with its
-- first payment, and is suspended by a failed milestone: those follow from other duties.)
CREATE FUNCTION awards_by_a_director_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'INSERT' OR (NEW.status = 'terminated' AND OLD.status <> 'terminated'))
       AND NOT grantdesk_holds('director') THEN
        RAISE EXCEPTION 'only a director (审批) issues awards and rules on them';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER awards_by_a_director BEFORE INSERT OR UPDATE OF status ON awards
    FOR EACH ROW EXECUTE FUNCTION awards_by_a_director_fn();

-- Only finance approves payments and records them; the approver and the recorder are the
-- roles signed in; whoever approved a payment never records it paid (不相容岗位分离). A
-- clawback (追回) is recorded as received in one step, by finance; what an ending award leaves
-- unpaid is cancelled by the director who ends it.
CREATE FUNCTION payments_by_finance_fn() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A clawback may also be recorded by the director closing out a failed project.
    IF TG_OP = 'INSERT' AND NEW.kind = 'clawback' THEN
        IF NOT (grantdesk_holds('finance') OR grantdesk_holds('director')) THEN
            RAISE EXCEPTION 'only finance (财务) approves and records payments';
        END IF;
    ELSIF TG_OP = 'INSERT' OR (NEW.status IS DISTINCT FROM OLD.status AND NEW.status <> 'cancelled')
       OR NEW.approved_by IS DISTINCT FROM OLD.approved_by THEN
        IF NOT grantdesk_holds('finance') THEN
            RAISE EXCEPTION 'only finance (财务) approves and records payments';
        END IF;
    END IF;
    -- Cancelled: by finance, or by a director ending the award (what it leaves unpaid).
    IF TG_OP = 'UPDATE' AND NEW.status = 'cancelled' AND OLD.status <> 'cancelled'
       AND NOT (grantdesk_holds('finance') OR grantdesk_holds('director')) THEN
        RAISE EXCEPTION 'only finance (财务) approves and records payments';
    END IF;
    IF (TG_OP = 'INSERT' OR NEW.approved_by IS DISTINCT FROM OLD.approved_by)
       AND NEW.approved_by IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'a payment is approved by the role signed in (%), not %',
            session_user, NEW.approved_by;
    END IF;
    IF NEW.status = 'paid' AND (TG_OP = 'INSERT' OR OLD.status <> 'paid') THEN
        IF NEW.paid_by IS DISTINCT FROM session_user::text THEN
            RAISE EXCEPTION 'a payment is recorded paid by the role signed in (%), not %',
                session_user, NEW.paid_by;
        END IF;
        IF NEW.kind = 'payment' AND NEW.paid_by = NEW.approved_by
           AND NOT grantdesk_superuser() THEN
            RAISE EXCEPTION 'whoever approved a payment never records it paid (不相容岗位分离)';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER payments_by_finance BEFORE INSERT OR UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_by_finance_fn();
