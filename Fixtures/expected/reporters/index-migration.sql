-- Index suggestions from pgtune-query 0.1.0: 2 indexes for 3 statements, largest saving first.
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block: run these one by one.

-- test; saves 8950 cost units in total (verified with hypopg)
-- used by: q.sql:2:1
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON public.orders USING btree (customer_id);

-- test; saves 7600 cost units in total (verified with hypopg)
-- used by: q.sql:1:1, q.sql:3:1
CREATE INDEX CONCURRENTLY orders_status_idx ON public.orders USING btree (status);
