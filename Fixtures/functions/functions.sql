-- Function bodies and DO blocks: the SQL inside is checked at its own position.
CREATE FUNCTION reset_scores() RETURNS void LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
  UPDATE accounts SET score = 0;
  PERFORM x = NULL FROM t;
  IF n = NULL THEN
    DELETE FROM audit_log;
  END IF;
  n := (SELECT count(*) FROM t WHERE name LIKE '%x');
  n = NULL;
  RETURN;
END
$$;

DO $$
BEGIN
  DELETE FROM audit_log;
END
$$;

CREATE FUNCTION active_accounts() RETURNS SETOF accounts LANGUAGE sql AS $body$
  SELECT * FROM accounts WHERE closed_at = NULL;
$body$;

CREATE PROCEDURE purge() LANGUAGE sql BEGIN ATOMIC
  DELETE FROM sessions;
END;
