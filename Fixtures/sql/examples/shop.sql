-- Queries of a small web shop, as a developer would write them before review.

-- Orders of a customer, newest first, page 500.
SELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 20 OFFSET 10000;

-- Case-insensitive login: lower() hides email from its index.
SELECT id, password_hash FROM customers WHERE lower(email) = lower('Alice@Example.com');

-- Customers without orders: NOT IN is wrong if orders.customer_id can be NULL.
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders);

-- Does the customer have open orders?
SELECT count(*) > 0 FROM orders WHERE customer_id = 42 AND status = 'open';

-- Products matching a search box.
SELECT id, name FROM products WHERE name ILIKE '%chair%';

-- Status filter.
SELECT id FROM orders WHERE status = 'new' OR status = 'paid' OR status = 'shipped';

-- A report that forgot its join condition.
SELECT c.name, o.total FROM customers c, orders o WHERE o.total > 100;

-- Orders of one day.
SELECT id FROM orders WHERE created_at::date = '2024-06-01';

-- Random featured product.
SELECT id FROM products ORDER BY random() LIMIT 1;

-- Intentional: every row, and we said so.
UPDATE products SET in_stock = true WHERE true;
