-- The index-set tests' schema: parts and the items that use them (a decision-support shape),
-- a rare NULL, two perfectly correlated columns, a write-heavy event table, a view.
CREATE EXTENSION IF NOT EXISTS hypopg;

CREATE TABLE parts (part_id integer PRIMARY KEY, brand text NOT NULL, size integer NOT NULL);
INSERT INTO parts SELECT g, 'b' || (g % 50), g % 40 FROM generate_series(1, 20000) AS g;

CREATE TABLE items (
  item_id integer PRIMARY KEY,
  part_id integer NOT NULL,
  supp_id integer NOT NULL,
  qty integer NOT NULL,
  -- 1 % not yet returned.
  return_date date,
  -- Always equal: the planner multiplies their selectivities and expects 1/1000 of the rows.
  region integer NOT NULL,
  zone integer NOT NULL,
  note text NOT NULL
);
INSERT INTO items
SELECT g, g % 20000, g % 5000, g % 50, CASE WHEN g % 100 = 0 THEN NULL ELSE date '2024-01-01' + g % 300 END,
       g % 1000, g % 1000, repeat('x', 40)
FROM generate_series(1, 300000) AS g;

CREATE VIEW stocked_items AS SELECT item_id, part_id, supp_id, qty FROM items WHERE qty > 0;

CREATE TABLE events (id bigserial PRIMARY KEY, kind integer NOT NULL, payload text NOT NULL);
INSERT INTO events (kind, payload) SELECT g % 500, 'e' || g FROM generate_series(1, 100000) AS g;

ANALYZE;
-- Reads, so that items and parts are read-mostly in pg_stat_user_tables; events is looked up
-- 200 times by key (a judgement needs 100 scans) and written far more.
DO $$ BEGIN FOR i IN 1..200 LOOP PERFORM payload FROM events WHERE id = i; END LOOP; END $$;
SELECT count(*) FROM items;
SELECT count(*) FROM items;
SELECT count(*) FROM parts;
SELECT count(*) FROM parts;
