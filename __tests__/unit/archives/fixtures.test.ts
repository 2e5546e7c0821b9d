/**
 * The tar reader and the extractor over the peers' fixtures: 153 tar test
 * archives of Go, CPython, libarchive, node-tar and tar-stream, read in place
 * from `../shared/tar-fixtures` beside the repository (or the folder named by
 * TAR_FIXTURES), never copied here. GNU tar and Python's tarfile are the
 * references:
 *
 * - an archive that this reader accepts must be one that GNU tar lists
 *   without an error, with the entries Python's tarfile sees (names and link
 *   targets as bytes, types, sizes, file contents) or, where tarfile gives
 *   up, as many as GNU tar lists;
 * - an archive that it refuses is refused with a TarFormatError and a short
 *   message (never a TypeError, a RangeError or a raw file-system error);
 * - extracted, with the entries at the root or below a stripped top-level
 *   folder, an archive either gives exactly the tree that GNU tar extracts,
 *   or is refused with a short, clear message; and nothing is ever written
 *   outside DEST.
 *
 * Without the fixtures the test is skipped, saying so; on CI (CI=true) it
 * fails. Without GNU tar or python3 (macOS and Windows runners) it is skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { UnsafeArchiveError } from '../../../src/archives/entry-policy.ts'
import { extractTarGz } from '../../../src/archives/extract.ts'
import { TarFormatError, TarParser, type EntryType } from '../../../src/archives/tar-reader.ts'
import { ROOT } from '../../helpers/action.ts'
import { listAll } from '../../helpers/archives.ts'

function fixturesDir(): string | undefined {
  const beside = path.resolve(ROOT, '../shared/tar-fixtures')
  if (fs.existsSync(beside)) return beside
  const named = process.env.TAR_FIXTURES
  return named && fs.existsSync(named) ? path.resolve(named) : undefined
}

/** GNU tar's command (`tar` on Linux, `gtar` where `tar` is bsdtar), if there is one. */
function gnuTar(): string | undefined {
  for (const cmd of ['tar', 'gtar']) {
    const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' })
    if (r.status === 0 && r.stdout.includes('GNU tar')) return cmd
  }
  return undefined
}

const FIXTURES = fixturesDir()
const GNU_TAR = gnuTar()
const PYTHON = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined
const references = [GNU_TAR ? '' : 'GNU tar', PYTHON ? '' : 'python3'].filter(Boolean)

if (!FIXTURES && process.env.CI === 'true') {
  test('the tar fixtures are there (../shared/tar-fixtures beside the repository, or TAR_FIXTURES)', () => {
    throw new Error('the tar fixtures are missing: CI must have ../shared/tar-fixtures beside the repository')
  })
} else if (!FIXTURES) {
  test.skip('tar fixtures: skipped, no ../shared/tar-fixtures beside the repository and no TAR_FIXTURES', () => {})
} else if (references.length || process.platform === 'win32') {
  // The references (and this test's byte-for-byte paths) are Linux's; other runners skip, saying so.
  test.skip(`tar fixtures: skipped, no ${references.join(' or ') || 'POSIX file names'} here`, () => {})
} else {
  fixtureTests(FIXTURES, GNU_TAR!, PYTHON!)
}

interface Seen {
  name: string
  type: EntryType
  size: number
  link: string
  sha256?: string
}

interface Reference {
  ok: boolean
  error?: string
  entries?: { name: string; type: string; size: number; link: string; sparse: boolean; sha256?: string }[]
}

const hex = (byteString: string) => Buffer.from(byteString, 'latin1').toString('hex')

function readOurs(tar: Buffer): { entries: Seen[] } | { error: unknown } {
  const entries: Seen[] = []
  let hash: crypto.Hash | undefined
  const parser = new TarParser({
    entry: (e) => {
      hash = e.type === 'file' ? crypto.createHash('sha256') : undefined
      entries.push({ name: hex(e.name), type: e.type, size: e.size, link: hex(e.linkname) })
    },
    data: (c) => hash?.update(c),
    end: () => {
      if (hash) entries.at(-1)!.sha256 = hash.digest('hex')
    },
  })
  try {
    // Odd chunks, so that headers and data straddle them.
    for (let off = 0; off < tar.length; off += 1000) parser.push(tar.subarray(off, off + 1000))
    parser.finish()
    return { entries }
  } catch (error) {
    return { error }
  }
}

const PY_TYPES: Record<string, EntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
}

/** A name (hex of its bytes) as GNU tar lists it: cut at a NUL, leading `/` and `../` dropped, no trailing `/`. */
function likeGnu(nameHex: string): string {
  const name = Buffer.from(nameHex, 'hex').toString('latin1')
  return hex(
    name
      .replace(/\0.*$/s, '')
      .replace(/^(\/|\.\.\/)+/, '')
      .replace(/\/+$/, ''),
  )
}

/** tarfile's entries as this reader reports them (trailing `/` dropped, as this reader does for every type). */
function fromPython(ref: NonNullable<Reference['entries']>): Seen[] {
  return ref.map((e) => {
    const type: EntryType = e.sparse ? 'sparse' : (PY_TYPES[e.type] ?? 'other')
    const name = hex(Buffer.from(e.name, 'hex').toString('latin1').replace(/\/+$/, ''))
    const seen: Seen = { name, type, size: type === 'file' ? e.size : 0, link: e.link }
    if (e.sha256 && type === 'file') seen.sha256 = e.sha256
    return seen
  })
}

/** A refusal that says what is wrong in a short line: a malformed or unsafe archive, or a file-system error naming the entry. */
const isClear = (err: unknown) =>
  (err instanceof TarFormatError ||
    err instanceof UnsafeArchiveError ||
    (typeof (err as NodeJS.ErrnoException)?.code === 'string' && / at "/.test((err as Error).message))) &&
  (err as Error).message.length < 500

function fixtureTests(dir: string, tar: string, python: string): void {
  const files = listAll(dir)
    .filter((f) => !f.endsWith('.md') && fs.statSync(path.join(dir, f)).isFile())
    .sort()
  const tarBytes = (f: string): Buffer => {
    const abs = path.join(dir, f)
    if (/\.(tgz|tar\.gz)$/.test(f)) return zlib.gunzipSync(fs.readFileSync(abs))
    if (f.endsWith('.bz2'))
      return execFileSync(
        python,
        ['-c', 'import bz2,sys; sys.stdout.buffer.write(bz2.open(sys.argv[1]).read())', abs],
        {
          maxBuffer: 1 << 28,
        },
      )
    return fs.readFileSync(abs)
  }
  let refs: Map<string, Reference>
  let work: string
  const tally = { fixtures: 0, same: 0, refused: 0, refusedSound: [] as string[], extracted: 0, extractRefused: 0 }

  beforeAll(() => {
    const out = execFileSync(
      python,
      [path.join(ROOT, '__tests__/helpers/tar-reference.py'), ...files.map((f) => path.join(dir, f))],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      },
    )
    const lines = out.trim().split('\n')
    refs = new Map(files.map((f, i) => [f, JSON.parse(lines[i]!) as Reference]))
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-fixtures-'))
  }, 120_000)

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true })
  })

  test('there are fixtures', () => {
    expect(files.length).toBeGreaterThan(100)
  })

  describe('the reader against GNU tar and Python tarfile', () => {
    test.each(files)('%s', (f) => {
      tally.fixtures++
      const ours = readOurs(tarBytes(f))
      const gnu = spawnSync(tar, ['-tf', path.join(dir, f), '--quoting-style=literal'], { maxBuffer: 1 << 28 })
      const ref = refs.get(f)!
      const sound = gnu.status === 0 && ref.ok
      if ('error' in ours) {
        expect(ours.error).toBeInstanceOf(TarFormatError)
        expect((ours.error as Error).message.length).toBeLessThan(200)
        tally.refused++
        if (sound) tally.refusedSound.push(`${f}: ${(ours.error as Error).message}`)
        return
      }
      const gnuNames = gnu.stdout.toString('latin1').split('\n').slice(0, -1).map(hex).map(likeGnu)
      const ourNames = ours.entries.map((e) => likeGnu(e.name))
      const sparse = ours.entries.findIndex((e) => e.type === 'sparse')
      if (sparse >= 0) {
        // Refused by name when extracted (extract.test.ts); what comes before it must still be read right.
        tally.refused++
        if (sound) tally.refusedSound.push(`${f}: a sparse entry`)
        if (gnu.status === 0) expect(ourNames.slice(0, sparse + 1)).toEqual(gnuNames.slice(0, sparse + 1))
        return
      }
      // Accepted: GNU tar must list it without an error, with the same names; and where
      // Python's tarfile agrees with GNU tar on the names, with everything tarfile sees.
      expect(gnu.status === 0 ? 'GNU tar lists it' : `GNU tar fails: ${gnu.stderr}`).toBe('GNU tar lists it')
      expect(ourNames).toEqual(gnuNames)
      const python = ref.ok ? fromPython(ref.entries!) : undefined
      if (python && python.map((e) => likeGnu(e.name)).join() === gnuNames.join()) expect(ours.entries).toEqual(python)
      tally.same++
    })
  })

  describe("the extractor: GNU tar's tree, or a clear refusal; nothing outside DEST", () => {
    test.each(files)('%s', async (f) => {
      const box = fs.mkdtempSync(path.join(work, 'box-'))
      fs.writeFileSync(path.join(box, 'sentinel'), 'x')
      const gz = zlib.gzipSync(tarBytes(f))
      for (const topFolder of [false, true]) {
        const dest = path.join(box, topFolder ? 'stripped' : 'flat')
        fs.mkdirSync(dest)
        const outside = [...walk(box).keys()].filter((p) => !p.startsWith(path.basename(dest)))
        let refused: unknown
        try {
          await extractTarGz(Readable.from([gz]), dest, { topFolder })
        } catch (err) {
          refused = err
        }
        expect([...walk(box).keys()].filter((p) => !p.startsWith(path.basename(dest)))).toEqual(outside)
        expectInside(dest)
        if (refused) {
          expect(isClear(refused) ? 'clear' : String(refused)).toBe('clear')
          expect((refused as Error).message).not.toContain(box)
          if (!topFolder) tally.extractRefused++
          continue
        }
        if (topFolder) continue
        tally.extracted++
        const theirs = path.join(box, 'gnu')
        fs.mkdirSync(theirs)
        const r = spawnSync(tar, ['-xf', '-', '-C', theirs, '--no-same-owner', '--delay-directory-restore'], {
          input: gz.length ? zlib.gunzipSync(gz) : gz,
        })
        expect(r.status === 0 ? 'GNU tar extracts it' : r.stderr.toString()).toBe('GNU tar extracts it')
        expect(snapshot(dest)).toEqual(snapshot(theirs))
      }
    })
  })

  // The figures of the last full run, written down so that a change in what is read, refused or
  // extracted shows up here (run alone, with -t, the other tests do not run and this one says nothing).
  test('the tally: how many archives were read like the references, refused, extracted like GNU tar', () => {
    if (tally.fixtures < files.length) return
    expect({ ...tally, refusedSound: tally.refusedSound.length }).toEqual({
      fixtures: 153,
      same: 110,
      refused: 43,
      refusedSound: 23,
      extracted: 95,
      extractRefused: 58,
    })
  })
}

/** Every path below `dir`, as byte strings (names that are not UTF-8 kept), with what is there. */
function walk(dir: string): Map<string, fs.Stats & { link?: string; abs: Buffer }> {
  const out = new Map<string, fs.Stats & { link?: string; abs: Buffer }>()
  const visit = (abs: Buffer, rel: string) => {
    for (const name of fs.readdirSync(abs, { encoding: 'buffer' })) {
      const childAbs = Buffer.concat([abs, Buffer.from('/'), name])
      const childRel = rel ? `${rel}/${name.toString('latin1')}` : name.toString('latin1')
      const st = Object.assign(fs.lstatSync(childAbs), { abs: childAbs }) as fs.Stats & { link?: string; abs: Buffer }
      if (st.isSymbolicLink()) st.link = fs.readlinkSync(childAbs, { encoding: 'buffer' }).toString('latin1')
      out.set(childRel, st)
      if (st.isDirectory()) visit(childAbs, childRel)
    }
  }
  visit(Buffer.from(dir), '')
  return out
}

/** Every symlink below `dest` resolves (lexically) inside it. */
function expectInside(dest: string): void {
  for (const [rel, st] of walk(dest)) {
    if (st.link === undefined) continue
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), st.link))
    expect(
      target === '..' || target.startsWith('../') || target.startsWith('/') ? `${rel} leaves DEST` : 'inside',
    ).toBe('inside')
  }
}

/** A tree as data: files by content hash, symlinks by target, folders. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [rel, st] of walk(dir)) {
    if (st.link !== undefined) out[hex(rel)] = `-> ${hex(st.link)}`
    else if (st.isDirectory()) out[hex(rel)] = 'dir'
    else out[hex(rel)] = crypto.createHash('sha256').update(fs.readFileSync(st.abs)).digest('hex')
  }
  return out
}
