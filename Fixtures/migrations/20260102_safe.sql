SET lock_timeout = '2s';
ALTER TABLE accounts ADD CONSTRAINT region_not_null CHECK (region IS NOT NULL) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT region_not_null;
ALTER TABLE accounts ALTER COLUMN region SET NOT NULL;
CREATE INDEX CONCURRENTLY accounts_region_idx ON accounts (region);
ALTER TABLE accounts RENAME COLUMN name TO full_name;
