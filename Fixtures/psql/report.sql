-- A psql script as teams keep them: variables, a conditional, an include, \copy.
\set customer 42
\set status 'open'
\timing on
SELECT * FROM accounts WHERE id = :customer;
SELECT id FROM invoices WHERE status = :'status' AND account_id = :customer
\g
\if :is_prod
  \echo 'production: cleaning the audit log'
  DELETE FROM audit_log;
\else
  UPDATE accounts SET score = 0;
\endif
\ir lib/helpers.sql
SELECT note::text, tags[1:2] FROM accounts WHERE region = :region ORDER BY random() LIMIT 1;
\copy accounts TO 'accounts.csv' CSV
