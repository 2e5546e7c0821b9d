import { describe, expect, test } from '@jest/globals'
import { UnsafeArchiveError } from '../../../src/archives/entry-policy.ts'
import { resolveLink, Symlinks } from '../../../src/archives/links.ts'

describe('resolveLink', () => {
  const links = (o: Record<string, string>) => new Map(Object.entries(o))
  test.each([
    [{ a: 'b' }, 'a', 'inside'],
    [{ 'x/a': '../b' }, 'x/a', 'inside'],
    [{ a: '..' }, 'a', 'outside'],
    [{ 'x/a': '../../b' }, 'x/a', 'outside'],
    [{ 'd/l': '..', x: 'd/l/..' }, 'x', 'outside'],
    [{ 'd/l': '..', x: 'd/l/d' }, 'x', 'inside'],
    [{ a: 'b', b: 'a' }, 'a', 'loop'],
    [{ a: 'b/../../c' }, 'a', 'outside'],
  ] as const)('%j %s → %s', (map, at, want) => {
    expect(resolveLink(links(map), at)).toBe(want)
  })
})

describe('Symlinks', () => {
  test('a link is refused as it comes when it already leads outside', () => {
    const links = new Symlinks()
    links.add('t/a', 'a', 'b')
    expect(() => links.add('t/up', 'up', '../..')).toThrow(
      /unsafe entry "t\/up": a symlink to "\.\.\/\.\.", outside the archive's folder/,
    )
  })

  test('every link is checked again once all are known, then created in order', async () => {
    const links = new Symlinks()
    links.add('t/x', 'x', 'd/l/..')
    expect(links.has('x')).toBe(true)
    expect(links.size).toBe(1)
    // Alone, x stays inside; once d/l points up, x leads outside through it.
    links.add('t/d/l', 'd/l', '..')
    const created: string[] = []
    await expect(links.createAll(async (rel) => void created.push(rel))).rejects.toThrow(
      /unsafe entry "t\/x": a symlink to "d\/l\/\.\.", which leads outside the archive's folder through other symlinks/,
    )
    expect(created).toEqual([])

    const ok = new Symlinks()
    ok.add('t/a', 'a', 'b')
    ok.add('t/c', 'c', 'a')
    await ok.createAll(async (rel, target) => void created.push(`${rel} -> ${target}`))
    expect(created).toEqual(['a -> b', 'c -> a'])
  })

  test('a link that closes a loop is refused as it comes', () => {
    const links = new Symlinks()
    links.add('t/a', 'a', 'b')
    expect(() => links.add('t/b', 'b', 'a')).toThrow(UnsafeArchiveError)
  })
})
