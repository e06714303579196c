/// The typed parse tree of one statement, decoded from libpg_query's JSON into flat arrays.
///
/// Why flat arrays: a statement has tens to thousands of nodes and we decode tens of thousands of
/// statements per second; one allocation per array instead of one per node keeps decoding at the
/// speed of the C parser. Nodes are read through `Node` values, which rules walk without ever
/// comparing node or field names as strings (`NodeKind` and `FieldName` are interned integers).
///
/// The tree is immutable once built, so it is safe to share between threads.
public final class SyntaxTree: @unchecked Sendable {
  struct RawNode {
    var kind: NodeKind
    /// The field of the parent that holds this node (for list items: the list's field).
    var parentField: FieldName?
    var fieldCount: UInt16 = 0
    var parent: Int32
    var firstField: Int32 = 0
    var location: Int32 = -1

    /// While decoding: no location field read yet.
    static let unread = Int32.min
  }

  enum RawValue {
    case node(Int32)
    case list(start: Int32, count: Int32)
    case string(start: Int32, length: Int32, escaped: Bool)
    case integer(Int64)
    case double(Double)
    case bool(Bool)
  }

  /// The value first: `RawValue` is 9 bytes aligned to 8, so the name fits in its padding and a
  /// field is 16 bytes instead of 24 (a 10 MB `IN` list has 4.5 million fields).
  struct RawField {
    var value: RawValue
    var name: FieldName

    init(name: FieldName, value: RawValue) {
      self.value = value
      self.name = name
    }
  }

  // `let` on purpose: class `var`s pay a dynamic exclusivity check on every access, and rules
  // read these arrays millions of times.
  /// The bytes of every string value (copied out of libpg_query's JSON, which is freed once the
  /// tree is decoded); `RawValue.string` positions point here.
  let strings: [UInt8]
  let nodes: [RawNode]
  let fields: [RawField]
  let listItems: [Int32]
  /// Byte offset of the parsed text within its source file: node locations are relative to the
  /// parsed text, and `Node.location` adds this so findings point into the file.
  public let baseOffset: Int
  /// True when libpg_query's JSON lost the value of an integer that is not a constant in an
  /// expression (e.g. `CREATE SEQUENCE … INCREMENT -1`; see `IntegerRepair`).
  public let hasUnrecoverableIntegers: Bool

  init(
    strings: [UInt8], nodes: [RawNode], fields: [RawField], listItems: [Int32], baseOffset: Int,
    hasUnrecoverableIntegers: Bool
  ) {
    self.strings = strings
    self.nodes = nodes
    self.fields = fields
    self.listItems = listItems
    self.baseOffset = baseOffset
    self.hasUnrecoverableIntegers = hasUnrecoverableIntegers
  }

  /// The `ParseResult` root node (always index 0).
  public var root: Node { Node(tree: self, index: 0) }

  /// The statements of this parse result (`RawStmt.stmt` of each entry).
  public var statements: [Node] {
    root.list(.stmts).compactMap { $0.node(.stmt) }
  }

  /// Number of nodes in the tree, the ParseResult/RawStmt envelope included.
  public var nodeCount: Int { nodes.count }

  /// For every node, the least and greatest location in its subtree (-1: none), in one pass
  /// from the leaves up: a node's parent always precedes it in `nodes` (the decoder appends a
  /// node when it opens). For rules that need the extent of many nested subtrees — asking
  /// `lastLocation` at every level of a 10,000-branch UNION walked the tree 10,000 times.
  func locationSpans() -> [(first: Int32, last: Int32)] {
    var spans = nodes.map { (first: $0.location, last: $0.location) }
    for index in spans.indices.reversed() {
      let parent = Int(nodes[index].parent)
      guard parent >= 0 else { continue }
      let child = spans[index]
      if child.first >= 0 && (spans[parent].first < 0 || child.first < spans[parent].first) { spans[parent].first = child.first }
      if child.last > spans[parent].last { spans[parent].last = child.last }
    }
    return spans
  }
}

/// Subtree extents of one tree, computed once (`SyntaxTree.locationSpans`).
public struct LocationSpans: Sendable {
  private let spans: [(first: Int32, last: Int32)]
  private let baseOffset: Int

  public init(_ tree: Node) {
    spans = tree.tree.locationSpans()
    baseOffset = tree.tree.baseOffset
  }

  public func firstLocation(of node: Node) -> Int? {
    let value = spans[Int(node.index)].first
    return value < 0 ? nil : baseOffset + Int(value)
  }

  public func lastLocation(of node: Node) -> Int? {
    let value = spans[Int(node.index)].last
    return value < 0 ? nil : baseOffset + Int(value)
  }
}

/// A node of a `SyntaxTree`: its kind, position and fields.
public struct Node: Sendable, Hashable {
  let tree: SyntaxTree
  let index: Int32

  public static func == (lhs: Node, rhs: Node) -> Bool {
    lhs.tree === rhs.tree && lhs.index == rhs.index
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(ObjectIdentifier(tree))
    hasher.combine(index)
  }

  private var raw: SyntaxTree.RawNode { tree.nodes[Int(index)] }

  /// The node's type.
  public var kind: NodeKind { raw.kind }

  /// UTF-8 byte offset of the node in the source file, when PostgreSQL records one.
  public var location: Int? {
    let location = raw.location
    return location < 0 ? nil : tree.baseOffset + Int(location)
  }

  /// The enclosing node, if any.
  public var parent: Node? {
    let parent = raw.parent
    return parent < 0 ? nil : Node(tree: tree, index: parent)
  }

  /// The field of `parent` that holds this node.
  public var parentField: FieldName? { raw.parentField }

  func value(_ name: FieldName) -> SyntaxTree.RawValue? {
    let raw = self.raw
    var position = Int(raw.firstField)
    let end = position + Int(raw.fieldCount)
    while position < end {
      let field = tree.fields[position]
      if field.name == name { return field.value }
      position += 1
    }
    return nil
  }

  /// The node held by a field, or nil.
  public func node(_ name: FieldName) -> Node? {
    if case .node(let child)? = value(name) { return Node(tree: tree, index: child) }
    return nil
  }

  /// The nodes of a list field (empty when the field is absent).
  public func list(_ name: FieldName) -> NodeList {
    if case .list(let start, let count)? = value(name) {
      return NodeList(tree: tree, start: Int(start), count: Int(count))
    }
    return NodeList(tree: tree, start: 0, count: 0)
  }

  /// A string field, unescaped.
  public func string(_ name: FieldName) -> String? {
    guard case .string(let start, let length, let escaped)? = value(name) else { return nil }
    return tree.strings.withUnsafeBufferPointer { bytes in
      let slice = UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(start + length)])
      return escaped ? JSONString.unescape(slice) : String(decoding: slice, as: UTF8.self)
    }
  }

  /// Whether a string field (e.g. an enum value such as `AEXPR_OP`) equals `expected`, without
  /// allocating a String. Enum values never contain escapes.
  public func string(_ name: FieldName, is expected: StaticString) -> Bool {
    guard case .string(let start, let length, _)? = value(name),
      Int(length) == expected.utf8CodeUnitCount
    else { return false }
    return tree.strings.withUnsafeBufferPointer { bytes in
      memcmp(bytes.baseAddress! + Int(start), expected.utf8Start, Int(length)) == 0
    }
  }

  /// An integer field. libpg_query omits zero values, so an absent field reads as nil here;
  /// use `integerValue` on `Integer` nodes.
  public func integer(_ name: FieldName) -> Int64? {
    if case .integer(let value)? = value(name) { return value }
    return nil
  }

  /// A boolean field (absent means false, as in PostgreSQL's node structs).
  public func bool(_ name: FieldName) -> Bool {
    if case .bool(let value)? = value(name) { return value }
    return false
  }

  /// The direct child nodes with the field that holds each, in field order.
  public var children: [(field: FieldName, node: Node)] {
    var result: [(FieldName, Node)] = []
    forEachChild { result.append(($0, $1)) }
    return result
  }

  /// Calls `body` for each direct child (list items included), in field order.
  public func forEachChild(_ body: (FieldName, Node) -> Void) {
    let raw = self.raw
    for position in Int(raw.firstField)..<Int(raw.firstField) + Int(raw.fieldCount) {
      let field = tree.fields[position]
      switch field.value {
      case .node(let child): body(field.name, Node(tree: tree, index: child))
      case .list(let start, let count):
        for item in Int(start)..<Int(start + count) {
          body(field.name, Node(tree: tree, index: tree.listItems[item]))
        }
      default: break
      }
    }
  }
}

/// The items of a list field.
public struct NodeList: RandomAccessCollection, Sendable {
  let tree: SyntaxTree
  let start: Int
  public let count: Int

  public var startIndex: Int { 0 }
  public var endIndex: Int { count }
  public subscript(position: Int) -> Node {
    Node(tree: tree, index: tree.listItems[start + position])
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
