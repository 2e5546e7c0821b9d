/**
 * Every secret goes through here: it is registered with the runner's log
 * masking (`::add-mask::`) and remembered so that our own debug lines and
 * error messages can be redacted before they are written.
 */
export class Masker {
  readonly #values = new Set<string>()
  readonly #setSecret: (value: string) => void

  constructor(setSecret: (value: string) => void) {
    this.#setSecret = setSecret
  }

  /** Registers a secret with the runner (each line of a multi-line value on its own) and for redaction. */
  add(value: string | undefined): void {
    if (!value || this.#values.has(value)) return
    this.#values.add(value)
    // One registration per line: the runner masks line by line.
    for (const line of value.split(/\r?\n/)) {
      if (line.trim().length > 0) this.#setSecret(line)
    }
  }

  /** Whether `text` holds one of the registered secrets. */
  holdsSecret(text: string): boolean {
    for (const value of this.#values) if (text.includes(value)) return true
    return false
  }

  /** Replaces every registered secret, longest first, with `***`. */
  redact(text: string): string {
    const values = [...this.#values].sort((a, b) => b.length - a.length)
    let out = text
    for (const value of values) out = out.split(value).join('***')
    return out
  }
}
