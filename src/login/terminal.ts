/** Text for one terminal line: control characters (escape sequences, newlines) become one space. */
export function oneLine(text: string): string {
  let out = ''
  let inControl = false
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (!inControl) out += ' '
      inControl = true
    } else {
      out += ch
      inControl = false
    }
  }
  return out.trim()
}
