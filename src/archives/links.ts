/**
 * The archive's symlinks. They are kept in memory while the files are
 * written and created last, so nothing is ever written through one. Each is
 * checked when it comes, against the links so far, and all again at the end:
 * a chain may leave the tree only once it is complete.
 *
 * Links are looked up twice: by their exact names (what Linux does) and by
 * folded names (`fold`: what macOS and Windows do, where `L` and `l` are one
 * file), and a link must stay inside under both readings, on every OS. The
 * work is linear in the length of the names: paths are walked component by
 * component through a tree of the links' folders (no prefix is joined and
 * looked up again), and all the resolving of one archive shares a budget of
 * steps, so that no archive can keep the worker busy for long.
 */
import { refuse, UnsafeArchiveError, showName } from './entry-policy.ts'
import { fold } from './names.ts'

/** Symlinks followed in one resolution before it counts as a loop (Linux's limit). */
const MAX_HOPS = 40
/** Path components walked while resolving the links of one archive, all of them together. */
export const RESOLVE_BUDGET = 10_000_000

type Where = 'inside' | 'outside' | 'loop'

/** The links of an archive as a tree of path components, keyed one way (exact or folded). */
class LinkIndex {
  readonly #key: (component: string) => string
  readonly #ids = new Map<string, number>()
  /** Link targets, by the id of the link's own node. */
  readonly #targets = new Map<number, string>()
  /** Nodes with a node below them (so with a link below them: only links' paths are inserted). */
  readonly #parents = new Set<number>()
  #next = 1

  constructor(key: (component: string) => string) {
    this.#key = key
  }

  get size(): number {
    return this.#targets.size
  }

  /** The node below `parent` named `component`; -1 when there is none (nothing below it is a link). */
  child(parent: number, component: string): number {
    if (parent < 0) return -1
    return this.#ids.get(`${parent}/${this.#key(component)}`) ?? -1
  }

  target(id: number): string | undefined {
    return this.#targets.get(id)
  }

  /** The node of `parts` (created with its ancestors); the top-level folder is node 0. */
  insert(parts: readonly string[]): number {
    let id = 0
    for (const c of parts) {
      const k = `${id}/${this.#key(c)}`
      let next = this.#ids.get(k)
      if (next === undefined) {
        this.#ids.set(k, (next = this.#next++))
        this.#parents.add(id)
      }
      id = next
    }
    return id
  }

  /** The node of `parts`, or -1 when no link lies at or below it. */
  find(parts: readonly string[], end = parts.length): number {
    let id = 0
    for (let i = 0; i < end && id >= 0; i++) id = this.child(id, parts[i]!)
    return id
  }

  /** How many leading components of `parts` end on a link (1-based), or 0 when the path meets none. */
  firstLink(parts: readonly string[]): number {
    let id = 0
    for (let i = 0; i < parts.length; i++) {
      id = this.child(id, parts[i]!)
      if (id < 0) return 0
      if (this.#targets.has(id)) return i + 1
    }
    return 0
  }

  setTarget(id: number, target: string): void {
    this.#targets.set(id, target)
  }

  /** Whether a link lies strictly below node `id`. */
  hasBelow(id: number): boolean {
    return this.#parents.has(id)
  }
}

/** A work budget shared by every resolution of one archive. */
class Budget {
  #left: number
  constructor(steps: number) {
    this.#left = steps
  }
  spend(name: string): void {
    if (--this.#left < 0)
      throw new UnsafeArchiveError(
        `the archive's symlinks take too long to check (more than ${RESOLVE_BUDGET.toLocaleString('en-US')} steps, at ${showName(name)})`,
      )
  }
}

/**
 * Where the link at `parts` (below the top-level folder) leads, following
 * the other links of `index`: 'inside' the tree, 'outside', or a 'loop'.
 */
function resolve(index: LinkIndex, parts: readonly string[], budget: Budget, name: string): Where {
  // The folder being walked, as node ids of `index` (-1: a folder with no link at or below it).
  const dir: number[] = []
  for (let i = 0; i < parts.length - 1; i++) dir.push(index.child(dir.length ? dir.at(-1)! : 0, parts[i]!))
  // What is left to walk: targets being followed, innermost last.
  const frames = [{ parts: splitTarget(index.target(index.find(parts))!), at: 0 }]
  let hops = 0
  while (frames.length) {
    const frame = frames.at(-1)!
    if (frame.at === frame.parts.length) {
      frames.pop()
      continue
    }
    const c = frame.parts[frame.at++]!
    budget.spend(name)
    if (c === '' || c === '.') continue
    if (c === '..') {
      if (dir.length === 0) return 'outside'
      dir.pop()
      continue
    }
    const id = index.child(dir.length ? dir.at(-1)! : 0, c)
    const target = id < 0 ? undefined : index.target(id)
    if (target === undefined) dir.push(id)
    else if (++hops > MAX_HOPS) return 'loop'
    else if (target.startsWith('/')) return 'outside'
    else frames.push({ parts: splitTarget(target), at: 0 })
  }
  return 'inside'
}

function splitTarget(target: string): string[] {
  return target.split('/')
}

interface PendingLink {
  parts: string[]
  target: string
  /** The entry's name, for messages. */
  name: string
}

/** Lists a folder of the staging tree (by its path below the root), for the final check. */
export type ListDir = (parts: readonly string[]) => Iterable<{ name: string; isDirectory: boolean }>

export class Symlinks {
  readonly #exact = new LinkIndex((c) => c)
  readonly #folded = new LinkIndex(fold)
  readonly #pending: PendingLink[] = []
  readonly #budget = new Budget(RESOLVE_BUDGET)

  get size(): number {
    return this.#folded.size
  }

  /**
   * How many leading components of `parts` name a symlink of the archive,
   * compared case-insensitively after NFC (0: none does): the path runs
   * through that link, or is that link when it is all of `parts`.
   */
  runsInto(parts: readonly string[]): number {
    return this.#folded.size ? this.#folded.firstLink(parts) : 0
  }

  /** Records the symlink entry `name` at `parts`; refuses one that leads outside the archive's folder. */
  add(name: string, parts: string[], target: string): void {
    const id = this.#folded.insert(parts)
    if (this.#folded.target(id) !== undefined) refuse(name, 'a second entry for a symlink')
    if (this.#folded.hasBelow(id)) refuse(name, 'a symlink above another symlink of the archive')
    this.#folded.setTarget(id, target)
    this.#exact.setTarget(this.#exact.insert(parts), target)
    const where = this.#where(parts, name)
    if (where === 'loop') refuse(name, 'a symlink loop')
    if (where !== 'inside') refuse(name, `a symlink to ${showName(target)}, outside the archive's folder`)
    this.#pending.push({ parts, target, name })
  }

  /**
   * Checks every link again against the whole set and against what was
   * written (nothing may lie at or below a link, compared case-insensitively),
   * then has each created.
   */
  async createAll(
    list: ListDir,
    create: (parts: string[], target: string, name: string) => Promise<void>,
  ): Promise<void> {
    for (const link of this.#pending) {
      const where = this.#where(link.parts, link.name)
      if (where !== 'inside')
        refuse(
          link.name,
          where === 'loop'
            ? 'a symlink loop'
            : `a symlink to ${showName(link.target)}, which leads outside the archive's folder through other symlinks`,
        )
    }
    if (this.#pending.length) this.#checkWritten(list)
    for (const link of this.#pending) await create(link.parts, link.target, link.name)
  }

  /** The link's reading by exact names and by folded names: the worse of the two. */
  #where(parts: readonly string[], name: string): Where {
    const exact = resolve(this.#exact, parts, this.#budget, name)
    return exact !== 'inside' ? exact : resolve(this.#folded, parts, this.#budget, name)
  }

  /**
   * Walks the written tree along the links' folders (each folder listed once
   * at most): an entry whose folded path is a link's, or lies below one, was
   * written before the link came.
   */
  #checkWritten(list: ListDir): void {
    const todo: { parts: string[]; id: number }[] = [{ parts: [], id: 0 }]
    while (todo.length) {
      const { parts, id } = todo.pop()!
      for (const entry of list(parts)) {
        this.#budget.spend(entry.name)
        const child = this.#folded.child(id, entry.name)
        if (child < 0) continue
        const at = [...parts, entry.name]
        const link = this.#folded.target(child)
        if (link === undefined) {
          if (entry.isDirectory) todo.push({ parts: at, id: child })
          continue
        }
        const linkName = this.#pending.find((l) => this.#folded.find(l.parts) === child)!.name
        refuse(
          linkName,
          entry.isDirectory
            ? `entries of the archive lie below this symlink (in ${showName(at.join('/'))})`
            : `a second entry for a symlink (${showName(at.join('/'))})`,
        )
      }
    }
  }
}
