/// Which existing indexes cost writes and space for nothing: exact duplicates, indexes whose keys
/// are a leading prefix of another's, indexes never scanned, and invalid leftovers of a failed
/// concurrent build. What an index enforces (primary key, unique, a constraint) is never
/// suggested for dropping, except an invalid one, which enforces nothing.
public struct IndexVerdict: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    case invalid, duplicate, redundant, unused
  }

  public let index: ExistingIndex
  public let kind: Kind
  /// The index that makes it unnecessary (`schema.name`), for duplicate and redundant.
  public let coveredBy: String?
  public let note: String
}

public enum IndexHealth {
  /// Verdicts, the worst kinds first, the largest indexes first within a kind.
  public static func review(_ indexes: [ExistingIndex], statsReset: String?) -> [IndexVerdict] {
    var verdicts: [IndexVerdict] = []
    var judged = Set<Int64>()
    func add(_ index: ExistingIndex, _ kind: IndexVerdict.Kind, coveredBy: ExistingIndex? = nil, _ note: String) {
      guard judged.insert(index.oid).inserted else { return }
      verdicts.append(IndexVerdict(index: index, kind: kind, coveredBy: coveredBy?.qualifiedName, note: note))
    }
    for index in indexes where !index.isValid {
      add(index, .invalid, "INVALID (a failed CREATE INDEX CONCURRENTLY): it is maintained on every write but never used; drop it and build it again")
    }
    let valid = indexes.filter(\.isValid)
    let byTable = Dictionary(grouping: valid, by: \.qualifiedTable)
    for (_, table) in byTable.sorted(by: { $0.key < $1.key }) {
      // A wider index first: then every copy of a narrower one is redundant to the index that
      // stays, not a duplicate of a copy that goes too.
      for index in table where !judged.contains(index.oid) {
        if let wider = table.first(where: { $0.oid != index.oid && covers($0, index) }) {
          add(index, .redundant, coveredBy: wider, "its keys are the leading keys of \(wider.qualifiedName), which serves the same lookups")
        }
      }
      let ordered = table.sorted(by: keepOrder)
      for index in ordered where !judged.contains(index.oid) {
        // Judged against the index most worth keeping, so `covered_by` names one that stays.
        if let twin = ordered.reversed().first(where: { $0.oid != index.oid && !judged.contains($0.oid) && isDuplicate(index, of: $0) }) {
          add(index, .duplicate, coveredBy: twin, "same keys, method and predicate as \(twin.qualifiedName)")
        }
      }
    }
    let since = statsReset.map { "since the statistics were reset (\($0))" } ?? "since the statistics began"
    for index in valid where index.scans == 0 && !index.enforcesSomething {
      add(index, .unused, "no index scan \(since); check replicas before dropping (their scans are not counted here)")
    }
    let rank = Dictionary(uniqueKeysWithValues: IndexVerdict.Kind.allCases.enumerated().map { ($1, $0) })
    return verdicts.sorted {
      (rank[$0.kind] ?? 0, -$0.index.sizeBytes, $0.index.qualifiedName) < (rank[$1.kind] ?? 0, -$1.index.sizeBytes, $1.index.qualifiedName)
    }
  }

  /// Of two duplicates the one that stays: what enforces something, then the older one.
  static func keepOrder(_ a: ExistingIndex, _ b: ExistingIndex) -> Bool {
    // Sorted so that the index to drop comes first: it is judged against the one that stays.
    (a.enforcesSomething ? 1 : 0, -a.oid) < (b.enforcesSomething ? 1 : 0, -b.oid)
  }

  /// `index` is `other` again: same method, keys (with operator classes, collations, order),
  /// INCLUDE columns and predicate — and it enforces nothing `other` does not.
  static func isDuplicate(_ index: ExistingIndex, of other: ExistingIndex) -> Bool {
    index.method == other.method && index.keys == other.keys && index.included == other.included
      && index.predicate == other.predicate && (!index.enforcesSomething || other.enforcesSomething)
      && (!index.isUnique || other.isUnique)
  }

  /// `wider` makes `index` redundant: both B-trees with the same predicate, `index`'s keys a
  /// strict leading prefix of `wider`'s, `index` enforcing nothing and including nothing.
  static func covers(_ wider: ExistingIndex, _ index: ExistingIndex) -> Bool {
    wider.method == "btree" && index.method == "btree" && !index.enforcesSomething && index.included.isEmpty
      && wider.predicate == index.predicate && wider.keys.count > index.keys.count
      && Array(wider.keys.prefix(index.keys.count)) == index.keys
  }
}
