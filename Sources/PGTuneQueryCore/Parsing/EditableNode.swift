/// A parse-tree node as a plain value: copy it out of a `SyntaxTree` with `Node.editable()`,
/// change it, and turn it back into SQL with `SQLText.deparse(_:)`. This is how rewrites are
/// built — on the tree, never by pasting strings.
public struct EditableNode: Equatable, Sendable {
  public var kind: NodeKind
  public var fields: [FieldName: EditableValue]

  public init(_ kind: NodeKind, _ fields: [FieldName: EditableValue] = [:]) {
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
    var fields: [FieldName: EditableValue] = [:]
    let raw = tree.nodes[Int(index)]
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
