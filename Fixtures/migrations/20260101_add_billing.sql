-- Adds billing columns and indexes.
BEGIN;
ALTER TABLE accounts ADD COLUMN billing_email text;
ALTER TABLE accounts ADD COLUMN region text NOT NULL;
ALTER TABLE accounts ADD COLUMN api_token uuid DEFAULT gen_random_uuid();
ALTER TABLE invoices ADD CONSTRAINT invoices_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
CREATE INDEX CONCURRENTLY invoices_account_idx ON invoices (account_id);
ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(14, 2);
CREATE TABLE invoice_lines (id bigserial PRIMARY KEY, invoice_id bigint NOT NULL, amount numeric);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id);
ALTER TABLE invoice_lines ADD CONSTRAINT lines_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id);
COMMIT;
