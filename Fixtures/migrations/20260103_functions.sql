-- A migration that adds a function and backfills with a DO block.
SET lock_timeout = '2s';
CREATE OR REPLACE FUNCTION close_stale_invoices() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE invoices SET status = 'void';
  DELETE FROM invoice_lines WHERE invoice_id = NULL;
END
$$;
DO $$
BEGIN
  UPDATE accounts SET billing_email = email WHERE billing_email IS NULL;
  DELETE FROM audit_log;
END
$$;
ALTER TABLE invoices ADD COLUMN closed_at timestamptz;
