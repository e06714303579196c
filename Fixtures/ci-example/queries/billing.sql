-- name: open_invoices_of_account
SELECT id, amount, issued_at FROM invoices WHERE account_id = 42 AND status = 'open' ORDER BY issued_at DESC;

-- name: account_by_email
SELECT id, plan FROM accounts WHERE email = 'user42@example.com';

-- name: revenue_by_plan
SELECT a.plan, sum(i.amount) FROM invoices i JOIN accounts a ON a.id = i.account_id
WHERE i.status = 'paid' GROUP BY a.plan;
