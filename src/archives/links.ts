/**
 * The archive's symlinks. They are kept in memory while the files are
 * written and created last, so nothing is ever written through one. Each is
 * checked when it comes, against the links so far, and all again at the end:
 * a chain may leave the tree only once it is complete.
 */
import { refuse, showName } from './entry-policy.ts'

/**
 * Where the symlink at `rel` leads, following the archive's other symlinks
 * (in memory: they are created only at the end): 'inside' the tree, 'outside',
 * or a 'loop'.
 */
export function resolveLink(links: Map<string, string>, rel: string): 'inside' | 'outside' | 'loop' {
  const cur = rel.split('/').slice(0, -1)
  let queue = links.get(rel)!.split(/\/+/)
  let hops = 0
  while (queue.length) {
    const c = queue.shift()!
    if (c === '' || c === '.') continue
    if (c === '..') {
      if (cur.length === 0) return 'outside'
      cur.pop()
      continue
    }
    cur.push(c)
    const target = links.get(cur.join('/'))
    if (target !== undefined) {
      if (++hops > 40) return 'loop'
      if (target.startsWith('/')) return 'outside'
      cur.pop()
      queue = [...target.split(/\/+/), ...queue]
    }
  }
  return 'inside'
}

interface PendingLink {
  rel: string
  target: string
  /** The entry's name, for messages. */
  name: string
}

export class Symlinks {
  readonly #targets = new Map<string, string>()
  readonly #pending: PendingLink[] = []

  get size(): number {
    return this.#targets.size
  }

  has(rel: string): boolean {
    return this.#targets.has(rel)
  }

  /** Records the symlink entry `name` at `rel`; refuses one that leads outside the archive's folder. */
  add(name: string, rel: string, target: string): void {
    this.#targets.set(rel, target)
    if (resolveLink(this.#targets, rel) !== 'inside')
      refuse(name, `a symlink to ${showName(target)}, outside the archive's folder`)
    this.#pending.push({ rel, target, name })
  }

  /** Checks every link again against the whole set, then has each created. */
  async createAll(create: (rel: string, target: string) => Promise<void>): Promise<void> {
    for (const link of this.#pending) {
      const where = resolveLink(this.#targets, link.rel)
      if (where !== 'inside')
        refuse(
          link.name,
          where === 'loop'
            ? 'a symlink loop'
            : `a symlink to ${showName(link.target)}, which leads outside the archive's folder through other symlinks`,
        )
    }
    for (const link of this.#pending) await create(link.rel, link.target)
  }
}
