-- Tables for the rewrite differential tests: every column a rewrite example names, nullable
-- where NULL changes what a rewrite means, and small value domains so that duplicate rows are
-- common. The test fills them with generated rows (several seeds and sizes).
CREATE TABLE accounts (
  id integer PRIMARY KEY, email text, deleted_at timestamptz, closed_at timestamptz, active boolean,
  closed boolean, a integer, status text);
CREATE TABLE orders (
  id integer PRIMARY KEY, account_id integer, status text, kind text, total numeric, o integer);
CREATE TABLE archived_accounts (id integer);
CREATE TABLE dup (k integer, v integer);
CREATE TABLE t (id integer, a integer, b integer, s text, u integer);
CREATE TABLE u (id integer);
CREATE TABLE keyed (id integer PRIMARY KEY, k integer NOT NULL, v text);
CREATE TABLE archive (LIKE accounts);
