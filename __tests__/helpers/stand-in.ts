/**
 * Stand-in programs for tests: a `gh` or `git` that is a small shell script
 * in a directory of its own (put first on PATH). Each records its arguments
 * and its environment, so a test sees what the command handed its child.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface StandIn {
  /** Directory holding the program: prepend it to PATH. */
  dir: string
  /** The arguments of the last call, one per entry (empty before any call). */
  args(): string[]
  /** The environment of the last call. */
  env(): Record<string, string>
  remove(): void
}

/**
 * `name` runs `body` (POSIX sh) after recording "$@" and its environment;
 * `body` decides what it prints and how it exits.
 */
export function standIn(name: string, body: string): StandIn {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bboa-stand-in-${name}-`))
  const record = path.join(dir, 'record')
  fs.mkdirSync(record)
  const script = `#!/bin/sh
printf '%s\\n' "$@" > '${record}/args'
env -0 > '${record}/env'
${body}
`
  fs.writeFileSync(path.join(dir, name), script, { mode: 0o755 })
  const read = (file: string) => {
    const p = path.join(record, file)
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : ''
  }
  return {
    dir,
    args: () => read('args').split('\n').slice(0, -1),
    env: () =>
      Object.fromEntries(
        read('env')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}
