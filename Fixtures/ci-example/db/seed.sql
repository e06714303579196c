INSERT INTO accounts (email, plan, created_at)
SELECT 'user' || g || '@example.com', (ARRAY['free', 'team', 'enterprise'])[1 + g % 3], now() - g * interval '1 hour'
FROM generate_series(1, 20000) g;
INSERT INTO invoices (account_id, status, amount, issued_at)
SELECT 1 + g % 20000, (ARRAY['paid', 'open', 'void'])[1 + g % 3], (g % 500) + 0.99, now() - g * interval '1 minute'
FROM generate_series(1, 200000) g;
ANALYZE;
