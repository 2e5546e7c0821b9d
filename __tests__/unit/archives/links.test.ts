import { describe, expect, test } from '@jest/globals'
import { UnsafeArchiveError } from '../../../src/archives/entry-policy.ts'
import { Symlinks, type ListDir } from '../../../src/archives/links.ts'

const parts = (rel: string) => rel.split('/')
/** Adds the links in order (each checked as it comes); the first refusal's message, or 'ok'. */
function addAll(links: Record<string, string>): { links: Symlinks; result: string } {
  const s = new Symlinks()
  try {
    for (const [rel, target] of Object.entries(links)) s.add(`t/${rel}`, parts(rel), target)
    return { links: s, result: 'ok' }
  } catch (err) {
    return { links: s, result: (err as Error).message }
  }
}
const nothingWritten: ListDir = () => []

describe('Symlinks: where links lead', () => {
  test.each([
    [{ a: 'b' }, 'ok'],
    [{ 'x/a': '../b' }, 'ok'],
    [{ a: '..' }, /"t\/a": a symlink to "\.\.", outside/],
    [{ 'x/a': '../../b' }, /outside/],
    [{ 'd/l': '..', x: 'd/l/..' }, /"t\/x": a symlink to "d\/l\/\.\.", outside/],
    [{ 'd/l': '..', x: 'd/l/d' }, 'ok'],
    [{ a: 'b', b: 'a' }, /"t\/b": a symlink loop/],
    [{ a: 'b/../../c' }, /outside/],
    // Where L and l are one file (macOS, Windows), x leads through d/l: refused on every OS.
    [{ 'd/l': '..', x: 'D/L/..' }, /"t\/x": a symlink to "D\/L\/\.\.", outside/],
  ] as const)('%j: %s', (map, want) => {
    const { result } = addAll(map)
    if (typeof want === 'string') expect(result).toBe(want)
    else expect(result).toMatch(want)
  })

  test('a chain is checked again once complete, whatever the order of its links (the final check)', async () => {
    // x alone stays inside; once d/l points up, x leads outside through it. Listed in this order,
    // only the check at the end can see it.
    const { links, result } = addAll({ x: 'd/l/..', 'd/l': '..' })
    expect(result).toBe('ok')
    const created: string[] = []
    await expect(links.createAll(nothingWritten, async (p) => void created.push(p.join('/')))).rejects.toThrow(
      /unsafe entry "t\/x": a symlink to "d\/l\/\.\.", which leads outside the archive's folder through other symlinks/,
    )
    expect(created).toEqual([])
  })

  test('the same, case-folded: x → D/L/.. listed before d/l → ..', async () => {
    const { links, result } = addAll({ x: 'D/L/..', 'd/l': '..' })
    expect(result).toBe('ok')
    await expect(links.createAll(nothingWritten, async () => {})).rejects.toThrow(/"t\/x".*through other symlinks/)
  })

  test('links that stay inside are created in order', async () => {
    const { links } = addAll({ a: 'b', c: 'a' })
    const created: string[] = []
    await links.createAll(nothingWritten, async (p, target, name) => void created.push(`${name}: ${p} -> ${target}`))
    expect(created).toEqual(['t/a: a -> b', 't/c: c -> a'])
  })

  test('a second link at the same place, or a link above another, compared case-insensitively', () => {
    expect(addAll({ lib: 'x', LIB: 'y' }).result).toMatch(/"t\/LIB": a second entry for a symlink/)
    expect(addAll({ 'a/b': 'x', A: 'y' }).result).toMatch(/"t\/A": a symlink above another symlink/)
  })

  test('a loop through a chain of forty links is refused', () => {
    const chain: Record<string, string> = {}
    for (let i = 0; i < 41; i++) chain[`l${i}`] = `l${i + 1}`
    chain.l41 = 'l0'
    expect(addAll(chain).result).toMatch(/"t\/l\d+": a symlink loop/)
  })
})

describe('Symlinks: what was written before a link came', () => {
  const tree = (dirs: Record<string, string[]>): ListDir =>
    function* (p) {
      for (const name of dirs[p.join('/')] ?? [])
        yield { name: name.replace(/\/$/, ''), isDirectory: name.endsWith('/') }
    }

  test('entries below a link, under another case, are refused at the end', async () => {
    const { links } = addAll({ 'top/L': '.' })
    const written = tree({ '': ['top/'], top: ['l/', 'other'], 'top/l': ['x'] })
    await expect(links.createAll(written, async () => {})).rejects.toThrow(
      /"t\/top\/L": entries of the archive lie below this symlink \(in "top\/l"\)/,
    )
  })

  test('a file of the same name under another case is a second entry for the link', async () => {
    const { links } = addAll({ README: 'docs/readme.md' })
    await expect(links.createAll(tree({ '': ['readme'] }), async () => {})).rejects.toThrow(
      /a second entry for a symlink \("readme"\)/,
    )
  })

  test('unrelated folders are fine, and each folder is listed once at most', async () => {
    const { links } = addAll({ 'a/b/l': 'x' })
    const listed: string[] = []
    const written = tree({ '': ['a/', 'z/'], a: ['b/', 'c/'], 'a/b': ['x'], z: ['q/'] })
    await links.createAll(
      (p) => (listed.push(p.join('/')), written(p)),
      async () => {},
    )
    expect(listed).toEqual(['', 'a', 'a/b'])
  })
})

describe('Symlinks: bounded work', () => {
  test('a 1 MiB link target is checked in linear time (milliseconds, not half an hour)', () => {
    const s = new Symlinks()
    const started = Date.now()
    // Far beyond the 4,096-byte cap of the policy: the walk itself must stay linear.
    s.add('t/x', ['x'], 'a/'.repeat(512 * 1024))
    expect(Date.now() - started).toBeLessThan(2000)
  })

  test('links that make the walk explode run out of the budget, refused as unsafe, within seconds', () => {
    const s = new Symlinks()
    const started = Date.now()
    // A chain of 39 links, each target 4,000 bytes long, and then links that each walk the whole chain:
    // every link is checked as it comes, so without a shared budget the work grows with their number.
    s.add('t/l0', ['l0'], '.')
    let err: unknown
    try {
      for (let i = 1; i < 39; i++) s.add(`t/l${i}`, [`l${i}`], `l${i - 1}/` + './'.repeat(2000))
      for (let i = 0; i < 1000; i++) s.add(`t/m${i}`, [`m${i}`], 'l38/' + './'.repeat(2000))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UnsafeArchiveError)
    expect((err as Error).message).toMatch(
      /symlinks take too long to check \(more than 10,000,000 steps, at "t\/m\d+"\)/,
    )
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
