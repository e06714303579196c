/// Reads the blanks and comments that sit between statements. Statement ranges from the splitter
/// start right after the previous `;`, so their first bytes are this "trivia": that is where
/// ignore comments live and what we skip to find where a statement really starts.
package enum SQLTrivia {
  package struct Comment {
    /// Bytes of the comment text without its `--` or `/* */` markers.
    package let text: Range<Int>
  }

  /// The offset of the first byte after leading blanks and comments, and the comments passed.
  package static func skipLeading(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>)
    -> (start: Int, comments: [Comment])
  {
    var position = range.lowerBound
    var comments: [Comment] = []
    let end = range.upperBound
    while position < end {
      let byte = bytes[position]
      if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
        position += 1
      } else if byte == UInt8(ascii: "-") && position + 1 < end && bytes[position + 1] == UInt8(ascii: "-") {
        let start = position + 2
        while position < end && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
        comments.append(Comment(text: start..<position))
      } else if byte == UInt8(ascii: "/") && position + 1 < end && bytes[position + 1] == UInt8(ascii: "*") {
        let start = position + 2
        var depth = 1
        position += 2
        while position < end && depth > 0 {
          if bytes[position] == UInt8(ascii: "/") && position + 1 < end && bytes[position + 1] == UInt8(ascii: "*") {
            depth += 1
            position += 2
          } else if bytes[position] == UInt8(ascii: "*") && position + 1 < end
            && bytes[position + 1] == UInt8(ascii: "/")
          {
            depth -= 1
            position += 2
          } else {
            position += 1
          }
        }
        comments.append(Comment(text: start..<max(start, depth == 0 ? position - 2 : position)))
      } else {
        break
      }
    }
    return (position, comments)
  }

  /// Every comment in a range of trivia, also past `;` and stray tokens (for the text after the
  /// last statement, which may hold an `ignore-file` directive).
  package static func comments(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> [Comment] {
    var comments: [Comment] = []
    var position = range.lowerBound
    while position < range.upperBound {
      let (stop, found) = skipLeading(bytes, in: position..<range.upperBound)
      comments += found
      position = stop + 1
    }
    return comments
  }
}
