/**
 * A young-generation collection on demand, to keep memory flat while a large
 * file streams through the main thread.
 *
 * Every chunk the socket delivers is a new ArrayBuffer; once written it is
 * garbage, but V8 lets tens of megabytes of such buffers pile up before it
 * collects them (BENCHMARKS.md, "Downloads": +60 MiB for a 256 MiB file, and
 * the page faults of ever-new memory made the download 2× slower). The
 * runner starts the action as `node dist/main/index.js`, so no V8 flag can be
 * passed at start-up; `--expose-gc` set at run time makes `gc` available in
 * a new context, whose collector is the process's one. Without it (another
 * runtime), this does nothing.
 */
import v8 from 'node:v8'
import vm from 'node:vm'

type Gc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void

let gc: Gc | null | undefined

function load(): Gc | null {
  try {
    v8.setFlagsFromString('--expose-gc')
    const fn: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined')
    return typeof fn === 'function' ? (fn as Gc) : null
  } catch {
    return null
  }
}

/** Collects the young generation (a scavenge: about a millisecond), freeing the chunks already consumed. */
export function collectYoung(): void {
  if (gc === undefined) gc = load()
  gc?.({ type: 'minor' })
}
