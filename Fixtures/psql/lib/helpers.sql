-- Included with \ir: findings point here.
SELECT name FROM accounts WHERE email = NULL;
\ir ../report.sql
