-- Loaded on top of shop.sql for the index advisor tests: quoted mixed-case names, a partitioned
-- table, a materialized view and a view, and hypopg.
CREATE EXTENSION IF NOT EXISTS hypopg;

CREATE SCHEMA "Sales";
CREATE TABLE "Sales"."Deals" (
  id integer PRIMARY KEY,
  "Owner" integer NOT NULL,
  "Stage" text NOT NULL,
  amount numeric(12, 2) NOT NULL
);
INSERT INTO "Sales"."Deals"
SELECT g, g % 5000, (ARRAY['lead', 'won', 'lost'])[1 + g % 3], g % 10000 FROM generate_series(1, 60000) AS g;

CREATE TABLE measurements (city_id integer NOT NULL, logdate date NOT NULL, peak integer NOT NULL)
  PARTITION BY RANGE (logdate);
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO measurements
SELECT g % 2000, date '2023-01-01' + (g % 700), g % 40 FROM generate_series(1, 120000) AS g;

CREATE MATERIALIZED VIEW customer_totals AS
  SELECT customer_id, sum(total) AS total, count(*) AS orders FROM orders GROUP BY customer_id;

CREATE VIEW open_orders AS SELECT id, customer_id, total FROM orders WHERE status IN ('new', 'paid');

ANALYZE;
