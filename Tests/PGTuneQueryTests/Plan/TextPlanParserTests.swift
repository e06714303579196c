import Foundation
@testable import PGTuneQuery
import Testing

/// EXPLAIN's text format (auto_explain's default) read into plan nodes.
struct TextPlanParserTests {
  let plan = """
    Sort  (cost=4701.83..4701.85 rows=7 width=11) (actual time=50.1..50.2 rows=2 loops=1)
      Sort Key: (count(*)) DESC
      Sort Method: external merge  Disk: 1234kB
      ->  Hash Left Join  (cost=10.00..4700.00 rows=7 width=11) (actual time=1.0..49.0 rows=2 loops=1)
            Hash Cond: (o.customer_id = c.id)
            ->  Parallel Seq Scan on public.orders o  (cost=0.00..3531.59 rows=33812 width=3) (actual time=0.01..40.00 rows=100000 loops=1)
                  Filter: (status = 'new'::text)
                  Rows Removed by Filter: 900000
            ->  Hash  (cost=5.00..5.00 rows=100 width=8) (never executed)
                  Buckets: 1024  Batches: 4 (originally 1)  Memory Usage: 4096kB
                  ->  Index Scan using customers_pkey on customers c  (cost=0.29..5.00 rows=100 width=8) (never executed)
                        Index Cond: (id < 100)
    """

  @Test func nodesPropertiesAndNesting() throws {
    let result = try #require(TextPlanParser.parse(plan))
    let root = result.plan
    #expect(root.nodeType == "Sort")
    #expect(root.totalCost == 4701.85)
    #expect(root.sortMethod == "external merge")
    #expect(root.sortSpaceType == "Disk")
    #expect(root.sortSpaceUsed == 1234)
    #expect(root.actualTotalTime == 50.2)
    let join = try #require(root.plans.first)
    #expect(join.nodeType == "Hash Join")
    #expect(join.joinType == "Left")
    #expect(join.hashCond == "(o.customer_id = c.id)")
    #expect(join.plans.count == 2)
    let scan = join.plans[0]
    #expect(scan.nodeType == "Seq Scan")
    #expect(scan.parallelAware == true)
    #expect(scan.relationName == "orders" && scan.schema == "public" && scan.alias == "o")
    #expect(scan.rowsRemovedByFilter == 900_000)
    #expect(scan.actualRows == 100_000)
    let hash = join.plans[1]
    #expect(hash.hashBatches == 4 && hash.originalHashBatches == 1 && hash.peakMemoryUsage == 4096)
    #expect(hash.actualLoops == 0)
    let index = try #require(hash.plans.first)
    #expect(index.nodeType == "Index Scan")
    #expect(index.indexName == "customers_pkey" && index.relationName == "customers")
    // The plan rules see the spill, as they would in the JSON format.
    let findings = PlanChecker.findings(for: result, catalog: nil, configuration: Configuration(), offset: 0)
    #expect(findings.contains { $0.rule == "sort-spill" })
  }

  @Test func aggregatesAndNotAPlan() throws {
    let aggregate = try #require(TextPlanParser.parse("Partial HashAggregate  (cost=1.00..2.00 rows=7 width=11)\n  Group Key: country"))
    #expect(aggregate.plan.nodeType == "Aggregate")
    #expect(aggregate.plan.strategy == "Hashed")
    #expect(aggregate.plan.partialMode == "Partial")
    #expect(aggregate.plan.groupKey == ["country"])
    #expect(TextPlanParser.parse("Query Text: SELECT 1\nnot a plan") == nil)
  }
}
