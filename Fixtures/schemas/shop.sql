-- The fixture schema of the live tests and plan fixtures: a small web shop with enough rows for
-- real plans. Deterministic (no random()), so plans are stable from run to run.
CREATE TABLE customers (
  id integer PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  country text NOT NULL,
  city_code integer NOT NULL,
  zip_code integer NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO customers
SELECT g, 'user' || g || '@example.com', 'Customer ' || g,
       (ARRAY['DE', 'FR', 'GB', 'US', 'BR'])[1 + g % 5],
       g % 1000, g % 1000,  -- perfectly correlated: the planner assumes they are independent
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
FROM generate_series(1, 50000) AS g;

CREATE TABLE products (
  id integer PRIMARY KEY,
  name text NOT NULL,
  price numeric(10, 2) NOT NULL,
  in_stock boolean NOT NULL
);
INSERT INTO products
SELECT g, 'Product ' || g, (g % 500) + 0.99, g % 3 <> 0 FROM generate_series(1, 2000) AS g;

CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id),
  product_id integer NOT NULL REFERENCES products (id),
  status text NOT NULL,
  total numeric(10, 2) NOT NULL,
  created_at timestamptz NOT NULL,
  note text
);
INSERT INTO orders
SELECT g, 1 + (g::bigint * 7919) % 50000, 1 + (g::bigint * 104729) % 2000,
       CASE WHEN g % 100 = 0 THEN 'cancelled' WHEN g % 3 = 0 THEN 'shipped' WHEN g % 3 = 1 THEN 'paid' ELSE 'new' END,
       ((g * 31) % 100000) / 100.0,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '3 minutes',
       CASE WHEN g % 10 = 0 THEN 'gift wrap' END
FROM generate_series(1, 200000) AS g;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);

CREATE TABLE order_events (
  order_id bigint NOT NULL,
  kind text NOT NULL,
  happened_at timestamptz NOT NULL
);
INSERT INTO order_events
SELECT g % 200000 + 1, (ARRAY['created', 'paid', 'shipped'])[1 + g % 3],
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
FROM generate_series(1, 300000) AS g;
CREATE INDEX order_events_order_id_idx ON order_events (order_id);

CREATE SEQUENCE invoice_numbers;

ANALYZE;
