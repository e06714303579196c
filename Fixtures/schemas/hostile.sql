-- Loaded on top of shop.sql for the safety tests: what a rollback cannot undo. A serial column
-- (its sequence advances on INSERT), a trigger that advances a sequence, and a volatile SQL
-- function that does the same behind an innocent name.
CREATE TABLE IF NOT EXISTS tickets (id serial PRIMARY KEY, note text NOT NULL DEFAULT 'x');
CREATE TABLE IF NOT EXISTS audited (id integer PRIMARY KEY, v integer NOT NULL);
INSERT INTO audited VALUES (1, 1) ON CONFLICT DO NOTHING;
CREATE SEQUENCE IF NOT EXISTS audit_numbers;
CREATE OR REPLACE FUNCTION audit_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('audit_numbers');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER audited_bump BEFORE UPDATE ON audited FOR EACH ROW EXECUTE FUNCTION audit_bump();
CREATE OR REPLACE FUNCTION next_ticket_hint() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT nextval('audit_numbers') $$;
