-- The project the README's CI examples run on (ReadmeCIExamplesTests): a schema, seed data
-- with realistic sizes, and the queries the application sends.
CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  plan text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE invoices (
  id bigserial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  status text NOT NULL,
  amount numeric(12, 2) NOT NULL,
  issued_at timestamptz NOT NULL
);
