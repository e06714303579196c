/// A protobuf field of a parse-tree message (generated from pg_query.proto into Generated/ProtoFields*.swift).
struct ProtoField: Sendable {
  let name: FieldName
  let number: UInt32
  let type: ProtoType
  let repeated: Bool

  init(_ name: FieldName, _ number: UInt32, _ type: ProtoType, _ repeated: Bool) {
    self.name = name
    self.number = number
    self.type = type
    self.repeated = repeated
  }
}

enum ProtoType: Sendable {
  case int32, uint32, int64, uint64, bool, string, double, float, bytes, enumeration
  /// A message stored directly in the field.
  case message(NodeKind)
  /// A `Node` wrapper: a oneof whose member names the node type.
  case node
}

/// Encodes an `EditableNode` tree as libpg_query's protobuf, the input of
/// `pg_query_deparse_protobuf`. Field numbers and types come from the generated schema, so every
/// node type is covered.
enum ProtobufEncoder {
  struct UnknownEnumValue: Error {
    let name: String
  }

  static func encodeMessage(_ node: EditableNode) throws(UnknownEnumValue) -> [UInt8] {
    var output: [UInt8] = []
    for field in NodeKind.protoFields[Int(node.kind.rawValue)] {
      guard let value = node.fields[field.name] else { continue }
      try encode(value, as: field, into: &output)
    }
    return output
  }

  /// A `Node` message: the oneof member for the node's type. The `.node` kind (a NULL entry of a
  /// list) is an empty `Node`.
  static func encodeWrapped(_ node: EditableNode) throws(UnknownEnumValue) -> [UInt8] {
    let number = NodeKind.nodeFieldNumbers[Int(node.kind.rawValue)]
    guard number > 0 else { return [] }
    var output: [UInt8] = []
    appendLengthDelimited(number, try encodeMessage(node), to: &output)
    return output
  }

  private static func encode(_ value: EditableValue, as field: ProtoField, into output: inout [UInt8])
    throws(UnknownEnumValue)
  {
    switch (value, field.type) {
    case (.node(let child), .node):
      appendLengthDelimited(field.number, try encodeWrapped(child), to: &output)
    case (.list(let items), .node):
      for item in items { appendLengthDelimited(field.number, try encodeWrapped(item), to: &output) }
    case (.node(let child), .message):
      appendLengthDelimited(field.number, try encodeMessage(child), to: &output)
    case (.list(let items), .message):
      for item in items { appendLengthDelimited(field.number, try encodeMessage(item), to: &output) }
    case (.string(let name), .enumeration):
      guard let number = protoEnumValues[name] else { throw UnknownEnumValue(name: name) }
      appendVarint(field.number, UInt64(bitPattern: Int64(number)), to: &output)
    case (.string(let text), .string), (.string(let text), .bytes):
      appendLengthDelimited(field.number, Array(text.utf8), to: &output)
    case (.integer(let number), .int32), (.integer(let number), .int64):
      appendVarint(field.number, UInt64(bitPattern: number), to: &output)
    case (.integer(let number), .uint32), (.integer(let number), .uint64):
      appendVarint(field.number, UInt64(truncatingIfNeeded: number), to: &output)
    case (.bool(let flag), .bool):
      if flag { appendVarint(field.number, 1, to: &output) }
    case (.double(let number), .double):
      appendKey(field.number, wireType: 1, to: &output)
      withUnsafeBytes(of: number.bitPattern.littleEndian) { output.append(contentsOf: $0) }
    case (.double(let number), .float):
      appendKey(field.number, wireType: 5, to: &output)
      withUnsafeBytes(of: Float(number).bitPattern.littleEndian) { output.append(contentsOf: $0) }
    case (.integer(let number), .double):
      try encode(.double(Double(number)), as: field, into: &output)
    default:
      // A value of the wrong shape for its field (an editing mistake): leave it out rather than
      // produce bytes libpg_query would misread; re-parsing the result catches the difference.
      break
    }
  }

  private static func appendKey(_ number: UInt32, wireType: UInt64, to output: inout [UInt8]) {
    appendRawVarint(UInt64(number) << 3 | wireType, to: &output)
  }

  private static func appendVarint(_ number: UInt32, _ value: UInt64, to output: inout [UInt8]) {
    appendKey(number, wireType: 0, to: &output)
    appendRawVarint(value, to: &output)
  }

  private static func appendLengthDelimited(_ number: UInt32, _ bytes: [UInt8], to output: inout [UInt8]) {
    appendKey(number, wireType: 2, to: &output)
    appendRawVarint(UInt64(bytes.count), to: &output)
    output.append(contentsOf: bytes)
  }

  private static func appendRawVarint(_ value: UInt64, to output: inout [UInt8]) {
    var value = value
    while value >= 0x80 {
      output.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    output.append(UInt8(value))
  }
}
