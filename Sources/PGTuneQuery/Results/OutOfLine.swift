/// An optional value kept out of line, behind one reference: a large field that most values leave
/// nil (a statement's plan, 168 bytes) then costs each copy and move of its owner one word.
/// Setting it makes a new box, so copies never share a change. (In the module of its users, so
/// that it is specialized: generic across modules, every init looked up its box type at run time.)
@propertyWrapper
public struct OutOfLine<Wrapped: Sendable>: Sendable {
  private final class Box: Sendable {
    let value: Wrapped
    init(_ value: Wrapped) { self.value = value }
  }

  private var box: Box?

  public init(wrappedValue: Wrapped?) { box = wrappedValue.map(Box.init) }

  public var wrappedValue: Wrapped? {
    get { box?.value }
    set { box = newValue.map(Box.init) }
  }
}
