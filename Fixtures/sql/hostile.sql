-- Statements that would destroy the fixture database if pgtune-query ever ran them.
-- Analyzing this file, with or without --analyze, must leave every row, table and sequence as it was.
DROP TABLE customers CASCADE;
DELETE FROM orders;
UPDATE customers SET name = 'pwned';
TRUNCATE order_events;
INSERT INTO products VALUES (99999, 'evil', 1, true);
ALTER TABLE orders ADD COLUMN evil integer;
CREATE TABLE evil (id integer);
DO $$ BEGIN DELETE FROM orders; END $$;
SELECT 1; DELETE FROM products;
/* hidden */ DELETE /* here */ FROM customers -- and here
  WHERE true;
COMMIT; DELETE FROM order_events;
BEGIN; DELETE FROM order_events; COMMIT;
EXPLAIN ANALYZE DELETE FROM orders;
WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone;
SELECT nextval('invoice_numbers');
SELECT setval('invoice_numbers', 1000);
COPY products FROM PROGRAM 'echo 1';
SELECT set_config('default_transaction_read_only', 'off', false);
SET default_transaction_read_only = off;
SELECT * FROM orders FOR UPDATE;
UPDATE products SET price = 0 WHERE id = $1;
DELETE FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > $1);
CREATE INDEX evil_idx ON orders (status);
VACUUM FULL orders;
GRANT ALL ON customers TO PUBLIC;
PREPARE evil AS DELETE FROM orders; EXECUTE evil;
SELECT pg_catalog.set_config('transaction_read_only', 'off', true), count(*) FROM (DELETE FROM products RETURNING 1) AS x;
INSERT INTO evil SELECT 1;
CALL nonexistent_procedure();
SELECT lo_import('/etc/passwd');
-- What a rollback cannot undo (Fixtures/schemas/hostile.sql): run with --analyze, each of these
-- would leave a sequence advanced or the server changed. The volatility gate refuses them.
INSERT INTO tickets (note) VALUES ('evil');
INSERT INTO tickets DEFAULT VALUES;
SELECT setval('invoice_numbers', 5000);
UPDATE audited SET v = v + 1;
SELECT next_ticket_hint();
SELECT pg_stat_reset();
SELECT pg_reload_conf();
WITH t AS (INSERT INTO tickets DEFAULT VALUES RETURNING id) SELECT * FROM t;
SELECT count(*) FROM orders WHERE random() < 2;
