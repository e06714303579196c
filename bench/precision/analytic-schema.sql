-- A decision-support schema of our own for bench/precision.sh: a sales fact table with dimensions,
-- generated deterministically (no random()) so that plans are stable. ~1.2 M fact rows.
DROP SCHEMA IF EXISTS dss CASCADE;
CREATE SCHEMA dss;
SET search_path = dss;
CREATE TABLE region (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE store (id integer PRIMARY KEY, region_id integer NOT NULL REFERENCES region, name text NOT NULL,
  opened_at timestamptz NOT NULL);
CREATE TABLE product (id integer PRIMARY KEY, category text NOT NULL, brand text NOT NULL, name text NOT NULL,
  list_price numeric(10, 2) NOT NULL, discontinued_at timestamptz);
CREATE TABLE customer (id integer PRIMARY KEY, email text NOT NULL, segment text NOT NULL, country text NOT NULL,
  signed_up_at timestamptz NOT NULL);
CREATE TABLE sale (id bigint PRIMARY KEY, sold_at timestamptz NOT NULL, store_id integer NOT NULL REFERENCES store,
  product_id integer NOT NULL REFERENCES product, customer_id integer REFERENCES customer, quantity integer NOT NULL,
  amount numeric(12, 2) NOT NULL, returned_at timestamptz);
INSERT INTO region SELECT g, 'region ' || g FROM generate_series(1, 12) g;
INSERT INTO store SELECT g, 1 + g % 12, 'store ' || g, timestamptz '2015-01-01' + g * interval '3 days' FROM generate_series(1, 400) g;
INSERT INTO product SELECT g, (ARRAY['food', 'toys', 'garden', 'tools', 'books', 'music'])[1 + g % 6],
  'brand ' || (g % 90), 'product ' || g, (g % 300) + 0.99,
  CASE WHEN g % 17 = 0 THEN timestamptz '2023-06-01' END FROM generate_series(1, 20000) g;
INSERT INTO customer SELECT g, 'c' || g || '@example.com', (ARRAY['retail', 'pro', 'wholesale'])[1 + g % 3],
  (ARRAY['DE', 'FR', 'US', 'GB', 'BR', 'JP'])[1 + g % 6], timestamptz '2018-01-01' + g * interval '11 minutes'
  FROM generate_series(1, 150000) g;
INSERT INTO sale SELECT g, timestamptz '2022-01-01' + g * interval '40 seconds', 1 + (g * 7) % 400, 1 + (g * 13) % 20000,
  CASE WHEN g % 9 = 0 THEN NULL ELSE 1 + (g * 31) % 150000 END, 1 + g % 5, ((g * 37) % 50000) / 100.0,
  CASE WHEN g % 97 = 0 THEN timestamptz '2022-01-01' + g * interval '40 seconds' + interval '9 days' END
  FROM generate_series(1, 1200000) g;
CREATE INDEX sale_sold_at_idx ON sale (sold_at);
CREATE INDEX sale_customer_idx ON sale (customer_id);
ANALYZE;
