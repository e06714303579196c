/// A parse-tree node as a plain value: copy it out of a `SyntaxTree` with `Node.editable()`,
/// change it, and turn it back into SQL with `SQLText.deparse(_:)`. This is how rewrites are
/// built — on the tree, never by pasting strings.
public struct EditableNode: Equatable, Sendable {
  public var kind: NodeKind
  public var fields: EditableFields

  public init(_ kind: NodeKind, _ fields: EditableFields = [:]) {
    self.kind = kind
    self.fields = fields
  }

  public subscript(field: FieldName) -> EditableValue? {
    get { fields[field] }
    set { fields[field] = newValue }
  }

  /// An integer constant (`A_Const` holding an `Integer`).
  public static func integerConstant(_ value: Int64) -> EditableNode {
    EditableNode(.aConst, [.ival: .node(EditableNode(.integer, [.ival: .integer(value)]))])
  }

  /// A column reference such as `a.id`.
  public static func columnReference(_ parts: [String]) -> EditableNode {
    EditableNode(.columnRef, [.fields: .list(parts.map { EditableNode(.string, [.sval: .string($0)]) })])
  }
}

/// The fields of an `EditableNode`, kept sorted by name. A node has a handful of fields, so a
/// short array searched in place does what a dictionary did without hashing, with one small
/// allocation and cheap copies: materializing and rewriting a 100,000-term OR spent a tenth of
/// its time hashing field names and building and freeing hash tables.
public struct EditableFields: Equatable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
  struct Entry: Equatable, Sendable {
    let name: FieldName
    var value: EditableValue
  }
  private var entries: [Entry] = []

  public init() {}

  public init(dictionaryLiteral elements: (FieldName, EditableValue)...) {
    entries.reserveCapacity(elements.count)
    for (name, value) in elements { self[name] = value }
  }

  mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

  public var count: Int { entries.count }
  public var values: [EditableValue] { entries.map(\.value) }

  public subscript(name: FieldName) -> EditableValue? {
    get {
      let position = insertionPoint(of: name)
      return position < entries.count && entries[position].name == name ? entries[position].value : nil
    }
    set {
      let position = insertionPoint(of: name)
      let present = position < entries.count && entries[position].name == name
      switch (newValue, present) {
      case (let value?, true): entries[position].value = value
      case (let value?, false): entries.insert(Entry(name: name, value: value), at: position)
      case (nil, true): entries.remove(at: position)
      case (nil, false): break
      }
    }
  }

  /// The first entry whose name is not below `name` (fields arrive in schema order, so appends
  /// are the common case and checked first).
  private func insertionPoint(of name: FieldName) -> Int {
    if let last = entries.last, last.name.rawValue < name.rawValue { return entries.count }
    var low = 0
    var high = entries.count
    while low < high {
      let middle = (low + high) / 2
      if entries[middle].name.rawValue < name.rawValue { low = middle + 1 } else { high = middle }
    }
    return low
  }

  public func makeIterator() -> some IteratorProtocol<(FieldName, EditableValue)> {
    entries.lazy.map { ($0.name, $0.value) }.makeIterator()
  }
}

/// The value of a field of an `EditableNode`. Enum fields hold their value's name as a string
/// (`.string("AEXPR_OP")`), as libpg_query's JSON does.
public indirect enum EditableValue: Equatable, Sendable {
  case node(EditableNode)
  case list([EditableNode])
  case string(String)
  case integer(Int64)
  case double(Double)
  case bool(Bool)
}

extension Node {
  /// Copies this node and everything below it into an editable value.
  ///
  /// Throws when the tree holds an integer that libpg_query's JSON output lost (see
  /// `IntegerRepair`): SQL made from it would silently change a value.
  public func editable() throws(PgQueryError) -> EditableNode {
    if tree.hasUnrecoverableIntegers {
      throw PgQueryError(
        message: "this statement holds an integer that libpg_query 15's JSON output loses; it cannot be rewritten",
        byteOffset: nil)
    }
    return materialize()
  }

  private func materialize() -> EditableNode {
    var fields = EditableFields()
    let raw = tree.nodes[Int(index)]
    fields.reserveCapacity(Int(raw.fieldCount))
    for position in Int(raw.firstField)..<Int(raw.firstField) + Int(raw.fieldCount) {
      let field = tree.fields[position]
      switch field.value {
      case .node(let child): fields[field.name] = .node(Node(tree: tree, index: child).materialize())
      case .list(let start, let count):
        fields[field.name] = .list(
          (Int(start)..<Int(start + count)).map { Node(tree: tree, index: tree.listItems[$0]).materialize() })
      case .string: fields[field.name] = string(field.name).map(EditableValue.string)
      case .integer(let value): fields[field.name] = .integer(value)
      case .double(let value): fields[field.name] = .double(value)
      case .bool(let value): fields[field.name] = .bool(value)
      }
    }
    return EditableNode(kind, fields)
  }
}
