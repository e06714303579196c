import Foundation

/// libpg_query's query fingerprint (version 3), computed from our decoded tree instead of by
/// libpg_query over its raw tree.
///
/// Why our own: libpg_query's walk copies a 576-byte hash state before every field (to roll the
/// field's name back when the value adds nothing), allocates one for every list item and zeroes
/// an 8 KB table per statement: a sixth of `analyze`'s CPU time. The fingerprint is the 64-bit
/// XXH3 hash, seeded with the version, of the tokens that walk writes one after another, so it
/// can be had from the bytes of those tokens, written once into a buffer and hashed once.
///
/// What the walk writes (libpg_query 15-4's generated `pg_query_fingerprint_defs.c`, whose rules
/// are mirrored here; the corpus test compares the two on 84,000 statements):
/// - a node reached as a `Node *` or a list item: its type name, then its fields; a field held
///   as a typed pointer (`RangeVar *relation`, unnamed in the JSON): its fields only;
/// - fields in byte order of their C names; locations never; zero, false and NULL values never;
///   a node or list field only when the value wrote something (else its name is taken back);
/// - constants, aliases and parameters nothing (`A_Const`, `Alias`, `ParamRef`, `SetToDefault`,
///   and a `TypeCast` of one of the first and third), and `Boolean` values;
/// - items of `targetList`, `fromClause`, `cols`, `rexpr`, `valuesLists` and `args` in order of
///   their own hashes, duplicates once (so `IN (1, 2)` and `IN (3)` agree);
/// - a few fields changed or left out (`ResTarget.name` in a select list, digits in temporary
///   names of `RangeVar.relname`, cursor and prepared statement names, `IN`/`ANY` as `AEXPR_OP`).
///
/// Nil when the tree lacks what the walk reads: an `Integer` whose value libpg_query's JSON lost
/// (see `IntegerRepair`), or a floating-point field. The caller then asks libpg_query.
package enum QueryFingerprint {
  package static func hash(_ tree: SyntaxTree) -> UInt64? {
    if tree.hasUnrecoverableIntegers { return nil }
    // The walk reads the tree's arrays through pointers: through the class's arrays, every read
    // retained and released them.
    return tree.nodes.withUnsafeBufferPointer { nodes in
      tree.fields.withUnsafeBufferPointer { fields in
        tree.listItems.withUnsafeBufferPointer { listItems in
          tree.strings.withUnsafeBufferPointer { strings in
            var walk = Walk(nodes: nodes, fields: fields, listItems: listItems, strings: strings, names: names)
            defer { walk.release() }
            walk.topLevel()
            if walk.unreliable { return nil }
            return PgQuery.xxh3(walk.bytes.written(from: 0), seed: version)
          }
        }
      }
    }
  }

  static let version: UInt64 = 3
  /// libpg_query stops at this depth of nested nodes and lists.
  static let maximumDepth = 100
  static let names = Names()

  /// The walk of one tree, writing the tokens into `bytes`.
  private struct Walk {
    let nodes: UnsafeBufferPointer<SyntaxTree.RawNode>
    let fields: UnsafeBufferPointer<SyntaxTree.RawField>
    let listItems: UnsafeBufferPointer<Int32>
    let strings: UnsafeBufferPointer<UInt8>
    let names: Names
    var bytes = TokenBuffer(capacity: 1024)
    var unreliable = false
    /// Field positions being visited, a run per node on the walk's path (sorted in place).
    var order: [Int32] = []
    /// Sorted lists' items: each one's bytes while its list is being ordered.
    var itemBytes = TokenBuffer(capacity: 256)

    init(
      nodes: UnsafeBufferPointer<SyntaxTree.RawNode>, fields: UnsafeBufferPointer<SyntaxTree.RawField>,
      listItems: UnsafeBufferPointer<Int32>, strings: UnsafeBufferPointer<UInt8>, names: Names
    ) {
      self.nodes = nodes
      self.fields = fields
      self.listItems = listItems
      self.strings = strings
      self.names = names
      order.reserveCapacity(64)
    }

    func release() {
      bytes.release()
      itemBytes.release()
    }

    /// `pg_query_fingerprint_node` on the list of the statement's `RawStmt`.
    mutating func topLevel() {
      guard case .list(let start, let count)? = value(0, .stmts) else { return }
      list(start: start, count: count, parent: nil, field: nil, depth: 0)
    }

    /// The value of field `name` of node `index`.
    private func value(_ index: Int32, _ name: FieldName) -> SyntaxTree.RawValue? {
      let node = nodes[Int(index)]
      for position in Int(node.firstField)..<Int(node.firstField) + Int(node.fieldCount)
      where fields[position].name == name {
        return fields[position].value
      }
      return nil
    }

    private func isString(_ index: Int32, _ name: FieldName, _ expected: StaticString) -> Bool {
      guard case .string(let start, let length, _)? = value(index, name), Int(length) == expected.utf8CodeUnitCount,
        let base = strings.baseAddress
      else { return false }
      return memcmp(base + Int(start), expected.utf8Start, Int(length)) == 0
    }

    /// `_fingerprintNode`: a node reached as a `Node *` or a list item.
    private mutating func node(_ index: Int32, parent: NodeKind?, field: FieldName?, depth: Int) {
      guard depth < maximumDepth else { return }
      let kind = nodes[Int(index)].kind
      switch kind {
      case .list:
        if case .list(let start, let count)? = value(index, .items) {
          list(start: start, count: count, parent: parent, field: field, depth: depth)
        }
      case .integer:
        if case .integer(let value)? = value(index, .ival), value != 0 {
          write("Integer")
          write("ival")
          write(decimal: value)
        }
      case .float:
        if case .string(let start, let length, let escaped)? = value(index, .fval) {
          write("Float")
          write("str")
          write(start: start, length: length, escaped: escaped)
        }
      case .string:
        write("String")
        write("str")
        if case .string(let start, let length, let escaped)? = value(index, .sval) {
          write(start: start, length: length, escaped: escaped)
        }
      case .bitString:
        if case .string(let start, let length, let escaped)? = value(index, .bsval) {
          write("BitString")
          write("str")
          write(start: start, length: length, escaped: escaped)
        }
      case _ where Self.writesNothing(kind):
        return
      case .typeCast where isConstantOrParameter(value(index, .arg)):
        return
      default:
        write(kind: kind)
        fields(of: index, kind: kind, parent: parent, parentField: field, depth: depth)
      }
    }

    private func isConstantOrParameter(_ value: SyntaxTree.RawValue?) -> Bool {
      guard case .node(let child)? = value else { return false }
      return nodes[Int(child)].kind == .aConst || nodes[Int(child)].kind == .paramRef
    }

    /// `_fingerprintList`.
    private mutating func list(start: Int32, count: Int32, parent: NodeKind?, field: FieldName?, depth: Int) {
      let items = Int(start)..<Int(start + count)
      guard let field, Self.isSorted(field) else {
        for item in items { node(listItems[item], parent: parent, field: field, depth: depth + 1) }
        return
      }
      // Each item's bytes and hash; then the items in order of their hashes, each hash once. An
      // item that writes nothing (a constant of an IN list) adds nothing wherever it sorts.
      var hashed: [(hash: UInt64, range: Range<Int>)] = []
      let base = itemBytes.count
      for item in items {
        let mark = bytes.count
        node(listItems[item], parent: parent, field: field, depth: depth + 1)
        guard bytes.count > mark else { continue }
        let written = bytes.written(from: mark)
        hashed.append((PgQuery.xxh3(written, seed: version), itemBytes.count..<itemBytes.count + written.count))
        itemBytes.append(written)
        bytes.truncate(to: mark)
      }
      hashed.sort { $0.hash < $1.hash }
      var previous: UInt64?
      for (hash, range) in hashed where hash != previous {
        bytes.append(itemBytes.written(range))
        previous = hash
      }
      itemBytes.truncate(to: base)
    }

    /// `_fingerprint<Kind>`: the node's fields in byte order of their names.
    private mutating func fields(
      of index: Int32, kind: NodeKind, parent: NodeKind?, parentField: FieldName?, depth: Int
    ) {
      let raw = nodes[Int(index)]
      let first = Int(raw.firstField)
      let base = order.count
      for position in first..<first + Int(raw.fieldCount) { order.append(Int32(position)) }
      sortFields(from: base)
      var visited = base
      while visited < base + Int(raw.fieldCount) {
        let field = fields[Int(order[visited])]
        visited += 1
        if field.name == .location || Self.leftOut(kind, field.name) { continue }
        write(field, of: kind, index: index, parent: parent, parentField: parentField, depth: depth)
      }
      order.removeSubrange(base...)
    }

    private mutating func write(
      _ field: SyntaxTree.RawField, of kind: NodeKind, index: Int32, parent: NodeKind?, parentField: FieldName?,
      depth: Int
    ) {
      let name = field.name
      switch field.value {
      case .node(let child):
        if kind == .createForeignTableStmt && name == .base {
          // An embedded CreateStmt, not a pointer: its fields at the same depth, name kept.
          write(field: name)
          fields(of: child, kind: .createStmt, parent: kind, parentField: name, depth: depth)
          return
        }
        let mark = bytes.count
        write(field: name)
        let named = bytes.count
        if let typed = NodeKind.inlineMessageKind(parent: kind, field: name), !Self.isValue(typed) {
          // A typed pointer (`RangeVar *relation`): the type's fields, not its name.
          if !Self.writesNothing(typed) {
            fields(of: child, kind: typed, parent: kind, parentField: name, depth: depth + 1)
          }
        } else {
          node(child, parent: kind, field: name, depth: depth + 1)
        }
        if bytes.count == named { bytes.truncate(to: mark) }
      case .list(let start, let count):
        guard count > 0 else { return }
        let mark = bytes.count
        write(field: name)
        let named = bytes.count
        list(start: start, count: count, parent: kind, field: name, depth: depth + 1)
        // A list of one NULL (the `distinctClause` of a plain DISTINCT) keeps its name.
        let isOneNull = count == 1 && nodes[Int(listItems[Int(start)])].kind == .node
        if bytes.count == named && !isOneNull { bytes.truncate(to: mark) }
      case .string(let start, let length, let escaped):
        switch (kind, name) {
        case (.aExpr, .kind) where isString(index, .kind, "AEXPR_OP_ANY") || isString(index, .kind, "AEXPR_IN"):
          write(field: name)
          write("AEXPR_OP")
        case (.rangeVar, .relname):
          guard !isString(index, .relpersistence, "t") else { return }
          write(field: name)
          writeWithoutDigitRuns(start: start, length: length, escaped: escaped)
        case (.resTarget, .name) where parent == .selectStmt && parentField == .targetList:
          return
        default:
          write(field: name)
          write(start: start, length: length, escaped: escaped)
        }
      case .integer(let value):
        guard value != 0 else { return }
        write(field: name)
        write(decimal: value)
      case .bool(let value):
        guard value else { return }
        write(field: name)
        write("true")
      case .double:
        unreliable = true
      }
    }

    /// Insertion sort of `order[base...]` by name: a node has a handful of fields.
    private mutating func sortFields(from base: Int) {
      var index = base + 1
      while index < order.count {
        let moving = order[index]
        let rank = names.rank(fields[Int(moving)].name)
        var slot = index
        while slot > base, names.rank(fields[Int(order[slot - 1])].name) > rank {
          order[slot] = order[slot - 1]
          slot -= 1
        }
        order[slot] = moving
        index += 1
      }
    }

    // MARK: Tokens

    private mutating func write(_ token: StaticString) {
      bytes.append(UnsafeRawBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount))
    }

    private mutating func write(field name: FieldName) { bytes.append(UnsafeRawBufferPointer(names.field(name))) }

    private mutating func write(kind: NodeKind) { bytes.append(UnsafeRawBufferPointer(names.kind(kind))) }

    private mutating func write(decimal value: Int64) {
      var text = String(value)
      text.withUTF8 { bytes.append(UnsafeRawBufferPointer($0)) }
    }

    /// A string value as PostgreSQL holds it (the JSON's escapes undone).
    private mutating func write(start: Int32, length: Int32, escaped: Bool) {
      let value = UnsafeBufferPointer(rebasing: strings[Int(start)..<Int(start + length)])
      if escaped {
        var text = JSONString.unescape(value)
        text.withUTF8 { bytes.append(UnsafeRawBufferPointer($0)) }
      } else {
        bytes.append(UnsafeRawBufferPointer(value))
      }
    }

    /// `RangeVar.relname` without its runs of two or more digits (`orders_2024_01` and
    /// `orders_2023_12` are the same query's partitions).
    private mutating func writeWithoutDigitRuns(start: Int32, length: Int32, escaped: Bool) {
      let mark = bytes.count
      write(start: start, length: length, escaped: escaped)
      let name = Array(bytes.written(from: mark))
      bytes.truncate(to: mark)
      func isDigit(_ index: Int) -> Bool { index >= 0 && index < name.count && (0x30...0x39).contains(name[index]) }
      for index in name.indices where !(isDigit(index) && (isDigit(index + 1) || isDigit(index - 1))) {
        withUnsafeBytes(of: name[index]) { bytes.append($0) }
      }
    }

    // MARK: Rules

    /// Nodes the fingerprint leaves out whole.
    static func writesNothing(_ kind: NodeKind) -> Bool {
      switch kind {
      // libpg_query 15-4's walk has no case for `Boolean` (new in PostgreSQL 15): it warns and
      // writes nothing, so `DefElem`s of CREATE ROLE … LOGIN and NOLOGIN agree.
      case .aConst, .alias, .paramRef, .setToDefault, .intList, .oidList, .node, .boolean: true
      default: false
      }
    }

    /// Value nodes held by a typed pointer (`String *extname`) are written as nodes.
    static func isValue(_ kind: NodeKind) -> Bool {
      switch kind {
      case .integer, .float, .boolean, .string, .bitString: true
      default: false
      }
    }

    /// Lists whose items are written in order of their hashes, each once.
    static func isSorted(_ field: FieldName) -> Bool {
      switch field {
      case .fromClause, .targetList, .cols, .rexpr, .valuesLists, .args: true
      default: false
      }
    }

    /// Fields left out besides locations: names of prepared statements, cursors, channels and
    /// parameters, transaction options, function bodies and options, a raw statement's place
    /// (a NOTIFY payload is kept).
    static func leftOut(_ kind: NodeKind, _ field: FieldName) -> Bool {
      switch (kind, field) {
      case (.prepareStmt, .name), (.executeStmt, .name), (.deallocateStmt, .name), (.transactionStmt, .options),
        (.transactionStmt, .gid), (.transactionStmt, .savepointName), (.declareCursorStmt, .portalname),
        (.fetchStmt, .portalname), (.closePortalStmt, .portalname), (.rawStmt, .stmtLen), (.rawStmt, .stmtLocation),
        (.createFunctionStmt, .options), (.functionParameter, .name), (.doStmt, .args), (.listenStmt, .conditionname),
        (.unlistenStmt, .conditionname), (.notifyStmt, .conditionname):
        true
      default: false
      }
    }
  }

  /// The walk's bytes: appended, cut back, hashed. Raw memory, because an array's uniqueness check
  /// and bookkeeping on each of millions of small appends cost as much as the walk itself.
  struct TokenBuffer {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
      self.capacity = capacity
      base = .allocate(byteCount: capacity, alignment: 1)
    }

    func release() { base.deallocate() }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
      guard let source = bytes.baseAddress, bytes.count > 0 else { return }
      if count + bytes.count > capacity {
        let grown = UnsafeMutableRawPointer.allocate(byteCount: max(capacity * 2, count + bytes.count), alignment: 1)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
        capacity = max(capacity * 2, count + bytes.count)
      }
      (base + count).copyMemory(from: source, byteCount: bytes.count)
      count += bytes.count
    }

    mutating func truncate(to count: Int) { self.count = count }

    /// The bytes from `start` on; valid until the next append.
    func written(from start: Int) -> UnsafeRawBufferPointer { written(start..<count) }

    func written(_ range: Range<Int>) -> UnsafeRawBufferPointer {
      UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
  }

  /// The C names of fields and node types as bytes, and each field's place in byte order of the
  /// names (the order the walk writes fields in). Made once for the process and never freed, so
  /// that the walk reads them through pointers.
  final class Names: @unchecked Sendable {  // immutable once made
    private let fieldBytes: UnsafeBufferPointer<UInt8>
    private let fieldStarts: UnsafeBufferPointer<Int32>
    private let kindBytes: UnsafeBufferPointer<UInt8>
    private let kindStarts: UnsafeBufferPointer<Int32>
    private let ranks: UnsafeBufferPointer<UInt16>

    init() {
      (fieldBytes, fieldStarts) = Self.pack(FieldName.allCases.map(\.name))
      (kindBytes, kindStarts) = Self.pack(NodeKind.allCases.map(\.name))
      let byName = FieldName.allCases.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
      let ranks = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: FieldName.allCases.count)
      for (rank, field) in byName.enumerated() { ranks[Int(field.rawValue)] = UInt16(rank) }
      self.ranks = UnsafeBufferPointer(ranks)
    }

    func field(_ name: FieldName) -> UnsafeBufferPointer<UInt8> { slice(fieldBytes, fieldStarts, Int(name.rawValue)) }

    func kind(_ kind: NodeKind) -> UnsafeBufferPointer<UInt8> { slice(kindBytes, kindStarts, Int(kind.rawValue)) }

    func rank(_ name: FieldName) -> UInt16 { ranks[Int(name.rawValue)] }

    private func slice(_ bytes: UnsafeBufferPointer<UInt8>, _ starts: UnsafeBufferPointer<Int32>, _ index: Int)
      -> UnsafeBufferPointer<UInt8>
    {
      UnsafeBufferPointer(rebasing: bytes[Int(starts[index])..<Int(starts[index + 1])])
    }

    private static func pack(_ names: [String]) -> (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int32>) {
      let all = names.flatMap(\.utf8)
      let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: all.count)
      _ = bytes.initialize(from: all)
      let starts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: names.count + 1)
      var offset: Int32 = 0
      for (index, name) in names.enumerated() {
        starts[index] = offset
        offset += Int32(name.utf8.count)
      }
      starts[names.count] = offset
      return (UnsafeBufferPointer(bytes), UnsafeBufferPointer(starts))
    }
  }
}
