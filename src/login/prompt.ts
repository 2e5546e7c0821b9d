/**
 * Asks for the consumer's Key and Secret on the terminal when neither the
 * options nor the variables gave them. The terminal is in raw mode for the
 * whole exchange, so the driver echoes nothing: the Key is echoed by us, the
 * Secret never is. What is typed goes to this process only, never into a
 * shell's history or onto a command line.
 */
import { ActionError } from '../shared/errors.ts'

/** The keyboard side of a terminal (process.stdin when it is a TTY). */
export interface TerminalInput {
  setRawMode(mode: boolean): unknown
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown
  resume(): unknown
  pause(): unknown
}

/** Where the command asks: keys from `input`, questions written with `write` (stderr: stdout is the token's). */
export interface PromptTerminal {
  input: TerminalInput
  write(text: string): void
}

/** Ctrl-C or Ctrl-D at a prompt: the command stops (exit 130) before anything was done. */
export class PromptCancelled extends ActionError {
  constructor(key: string) {
    super(`Stopped at the prompt (${key}); nothing was done.`)
    this.name = 'PromptCancelled'
  }
}

export interface LineEdit {
  text: string
  /** What to write back to the terminal for these keys (nothing for a hidden line). */
  echo: string
  end?: 'enter' | 'interrupt' | 'eof'
  /** Keys after Enter: typed ahead for the next question. */
  rest: string
}

/** The index of the last character of the escape sequence that starts at `i` (arrows, bracketed-paste marks). */
function escapeEnd(keys: string[], i: number): number {
  const next = keys[i + 1]
  if (next === 'O') return Math.min(i + 2, keys.length - 1)
  if (next !== '[') return i
  let j = i + 2
  while (j < keys.length && !/[@-~]/.test(keys[j]!)) j++
  return Math.min(j, keys.length - 1)
}

/**
 * Applies typed keys to a line: printable characters are added, Backspace
 * and Ctrl-U erase, Enter ends the line, Ctrl-C stops, Ctrl-D on an empty
 * line stops; escape sequences and other control keys are ignored.
 */
export function editLine(text: string, typed: string, hidden: boolean): LineEdit {
  const keys = Array.from(typed)
  let line = Array.from(text)
  let echo = ''
  const erase = (n: number) => {
    if (!hidden) echo += '\b \b'.repeat(n)
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (key === '\r' || key === '\n') {
      const next = key === '\r' && keys[i + 1] === '\n' ? i + 2 : i + 1
      return { text: line.join(''), echo, end: 'enter', rest: keys.slice(next).join('') }
    }
    if (key === '\x03') return { text: line.join(''), echo, end: 'interrupt', rest: '' }
    if (key === '\x04' && line.length === 0) return { text: '', echo, end: 'eof', rest: '' }
    if (key === '\x7f' || key === '\b') {
      if (line.length) erase(1)
      line = line.slice(0, -1)
    } else if (key === '\x15') {
      erase(line.length)
      line = []
    } else if (key === '\x1b') {
      i = escapeEnd(keys, i)
    } else if (key >= ' ' && !(key >= '\x7f' && key <= '\x9f')) {
      line.push(key)
      if (!hidden) echo += key
    }
  }
  return { text: line.join(''), echo, rest: '' }
}

/** One question after another on a terminal held in raw mode; open() first, close() always. */
export class Prompter {
  readonly #terminal: PromptTerminal
  #pending = ''

  constructor(terminal: PromptTerminal) {
    this.#terminal = terminal
  }

  open(): void {
    this.#terminal.input.setRawMode(true)
  }

  close(): void {
    this.#terminal.input.setRawMode(false)
    this.#terminal.input.pause()
  }

  /** Asks until the answer is not blank; the answer is trimmed. Rejects with PromptCancelled on Ctrl-C/Ctrl-D. */
  async askNonEmpty(question: string, { hidden, again }: { hidden: boolean; again: string }): Promise<string> {
    for (;;) {
      const answer = (await this.ask(question, hidden)).trim()
      if (answer) return answer
      this.#terminal.write(`${again}\n`)
    }
  }

  ask(question: string, hidden: boolean): Promise<string> {
    const terminal = this.#terminal
    terminal.write(question)
    return new Promise((resolve, reject) => {
      let text = ''
      let done = false
      const onKeys = (chunk: Buffer | string): void => {
        const edit = editLine(text, typeof chunk === 'string' ? chunk : chunk.toString('utf8'), hidden)
        text = edit.text
        if (edit.echo) terminal.write(edit.echo)
        if (!edit.end) return
        done = true
        terminal.input.removeListener('data', onKeys)
        terminal.input.pause()
        terminal.write('\n')
        this.#pending = edit.rest
        if (edit.end === 'enter') resolve(text)
        else reject(new PromptCancelled(edit.end === 'interrupt' ? 'Ctrl-C' : 'Ctrl-D'))
      }
      terminal.input.on('data', onKeys)
      const typedAhead = this.#pending
      this.#pending = ''
      if (typedAhead) onKeys(typedAhead)
      if (!done) terminal.input.resume()
    })
  }
}
