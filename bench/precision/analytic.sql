-- Queries the way an analytics team writes them against bench/precision/analytic-schema.sql.
-- name: revenue_by_region_month
SELECT r.name, date_trunc('month', s.sold_at) AS month, sum(s.amount) AS revenue
FROM sale s JOIN store st ON st.id = s.store_id JOIN region r ON r.id = st.region_id
WHERE s.sold_at >= '2022-03-01' AND s.sold_at < '2022-06-01'
GROUP BY r.name, month ORDER BY month, revenue DESC;
-- name: top_products_by_category
SELECT p.category, p.name, sum(s.quantity) AS units
FROM sale s JOIN product p ON p.id = s.product_id
GROUP BY p.category, p.name ORDER BY units DESC LIMIT 50;
-- name: customers_without_sales
SELECT c.id, c.email FROM customer c WHERE NOT EXISTS (SELECT 1 FROM sale s WHERE s.customer_id = c.id);
-- name: brand_search
SELECT id, name FROM product WHERE name ILIKE '%product 12%' AND discontinued_at IS NULL;
-- name: returns_last_quarter
SELECT s.id, s.amount, s.returned_at FROM sale s WHERE s.returned_at IS NOT NULL AND s.sold_at >= '2022-07-01';
-- name: daily_sales_for_a_day
SELECT count(*), sum(amount) FROM sale WHERE sold_at::date = '2022-02-14';
-- name: segment_mix
SELECT c.segment, c.country, count(*) AS sales, avg(s.amount) AS mean_amount
FROM sale s JOIN customer c ON c.id = s.customer_id GROUP BY c.segment, c.country;
-- name: store_ranking
SELECT st.name, rank() OVER (ORDER BY sum(s.amount) DESC) AS place, sum(s.amount)
FROM sale s JOIN store st ON st.id = s.store_id GROUP BY st.name;
-- name: new_customers_per_week
SELECT date_trunc('week', signed_up_at) AS week, count(*) FROM customer GROUP BY week ORDER BY week;
-- name: lookup_customer
SELECT * FROM customer WHERE id = 4242;
-- name: product_page
SELECT * FROM product WHERE id = 77;
-- name: region_list
SELECT * FROM region ORDER BY name;
-- name: email_domain_counts
SELECT split_part(email, '@', 2) AS domain, count(*) FROM customer GROUP BY domain;
-- name: discontinued_with_sales
SELECT p.id, p.name, count(*) FROM product p JOIN sale s ON s.product_id = p.id
WHERE p.discontinued_at IS NOT NULL GROUP BY p.id, p.name;
-- name: has_recent_sales
SELECT count(*) > 0 FROM sale WHERE store_id = 17 AND sold_at > '2022-12-01';
-- name: not_music
SELECT id FROM product WHERE category NOT LIKE '%music%';
-- name: big_baskets
SELECT customer_id, sum(amount) FROM sale GROUP BY customer_id HAVING sum(amount) > 5000 ORDER BY 2 DESC;
-- name: yoy_growth
SELECT extract(year FROM sold_at) AS year, sum(amount) FROM sale GROUP BY year ORDER BY year;
-- name: store_catalog_cross
SELECT st.id, r.name FROM store st CROSS JOIN region r WHERE st.region_id = 3;
-- name: page_through_sales
SELECT id, amount FROM sale ORDER BY id LIMIT 50 OFFSET 20000;
