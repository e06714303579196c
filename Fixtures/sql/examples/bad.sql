-- An ORM-style query file with one broken statement: the others are still analyzed.
SELECT * FROM accounts WHERE email = NULL;
SELECT id, email FROM accounts WHERE id = 1 AND status = 'open' ORDER BY created_at LIMIT 10 OFFSET;
DELETE FROM sessions;
