/**
 * Realistic, deterministic archives for the benchmark: many small source-like
 * text files (1–32 KiB, compressible like code) in nested folders, a few
 * large files (less compressible, like binary assets), an executable or two;
 * one top-level folder `{ws}-{repo}-{sha12}/` like Bitbucket's. Generated
 * once into `.bench/` (gitignored) and reused.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { topFolder } from '../emulator/bitbucket/archive-store.ts'
import { writeTarGzFile, type WriterEntry } from '../emulator/tar-writer.ts'

/** A small fast PRNG (mulberry32), so the bytes are the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = (
  'const let var function return if else for while switch case break continue import export from default class extends new this ' +
  'async await try catch finally throw typeof instanceof null undefined true false value result error options config request response ' +
  'buffer stream path file name index length count items map set get push pop slice join split trim parse format encode decode ' +
  'handler callback promise resolve reject timeout retry delay client server token secret header body status message data input output'
).split(' ')

function makeLinePool(random: () => number, n: number): Buffer[] {
  const pool: Buffer[] = []
  for (let i = 0; i < n; i++) {
    const indent = '  '.repeat(Math.floor(random() * 5))
    const words: string[] = []
    const count = 2 + Math.floor(random() * 9)
    for (let w = 0; w < count; w++) {
      const word = WORDS[Math.floor(random() * WORDS.length)]!
      words.push(random() < 0.15 ? `${word}${Math.floor(random() * 1000)}` : word)
    }
    const punct = ['(', ') {', ';', ' = ', ', ', '.', '}'][Math.floor(random() * 7)]!
    pool.push(Buffer.from(`${indent}${words.join(random() < 0.5 ? ' ' : punct)}${random() < 0.6 ? ';' : ''}\n`))
  }
  return pool
}

function textFile(random: () => number, pool: Buffer[], size: number): Buffer {
  const parts: Buffer[] = []
  let len = 0
  while (len < size) {
    const line = pool[Math.floor(random() * pool.length)]!
    parts.push(line)
    len += line.length
  }
  return Buffer.concat(parts, len).subarray(0, size)
}

/** Semi-compressible binary (like images/jars): random bytes with text runs. */
function binaryFile(random: () => number, pool: Buffer[], size: number): Buffer {
  const buf = Buffer.allocUnsafe(size)
  let off = 0
  while (off < size) {
    const n = Math.min(size - off, 4096)
    if (random() < 0.35) {
      textFile(random, pool, n).copy(buf, off)
    } else {
      for (let i = 0; i < n; i += 4)
        buf.writeUInt32LE((random() * 4294967296) >>> 0, off + i <= size - 4 ? off + i : size - 4)
    }
    off += n
  }
  return buf
}

export interface BenchArchive {
  name: string
  file: string
  commit: string
  workspace: string
  repo: string
  bytes: number
  sha256: string
  files: number
  rawBytes: number
}

/**
 * Creates (or reuses) `.bench/{name}.tar.gz` of about `targetBytes`
 * compressed. ~88% of the uncompressed bytes are small text files.
 */
export async function benchArchive(
  dir: string,
  name: string,
  targetBytes: number,
  seed: number,
): Promise<BenchArchive> {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${name}.tar.gz`)
  const metaFile = `${file}.json`
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as BenchArchive
    if (fs.statSync(file).size === meta.bytes) return meta
  }
  const workspace = 'bench'
  const repo = name
  const commit = createHash('sha1').update(`bench:${name}:${targetBytes}:${seed}`).digest('hex')
  const top = topFolder(workspace, repo, commit)
  const random = rng(seed)
  const pool = makeLinePool(random, 30_000)
  let files = 0
  let rawBytes = 0
  // At gzip level 1 text compresses about 2.8x here; large files about 1.5x. Aim the raw size at the target.
  const rawTarget = targetBytes * 2.7
  function* entries(): Generator<WriterEntry> {
    yield { name: `${top}/`, type: 'directory' }
    const large = Math.max(1, Math.round(targetBytes / (64 << 20)))
    yield { name: `${top}/assets/`, type: 'directory' }
    for (let i = 0; i < large; i++) {
      const size = Math.round(targetBytes * 0.06)
      const data = binaryFile(random, pool, size)
      files++
      rawBytes += size
      yield { name: `${top}/assets/blob-${i}.bin`, type: 'file', data, mode: 0o644 }
    }
    yield { name: `${top}/bin/`, type: 'directory' }
    yield { name: `${top}/bin/build.sh`, type: 'file', data: '#!/bin/sh\necho build\n', mode: 0o755 }
    let d = 0
    while (rawBytes < rawTarget) {
      const folder = `src/mod${Math.floor(d / 20)}/pkg${d % 20}`
      if (d % 20 === 0) yield { name: `${top}/src/mod${Math.floor(d / 20)}/`, type: 'directory' }
      yield { name: `${top}/${folder}/`, type: 'directory' }
      for (let f = 0; f < 40 && rawBytes < rawTarget; f++) {
        const size = 1024 + Math.floor(random() * random() * 31 * 1024)
        files++
        rawBytes += size
        yield {
          name: `${top}/${folder}/file${f}.ts`,
          type: 'file',
          data: textFile(random, pool, size),
          mode: f === 0 ? 0o755 : 0o644,
        }
      }
      d++
    }
  }
  const tmp = `${file}.tmp`
  const { sha256, bytes } = await writeTarGzFile(tmp, entries(), { comment: commit, level: 1 })
  fs.renameSync(tmp, file)
  const meta: BenchArchive = { name, file, commit, workspace, repo, bytes, sha256, files, rawBytes }
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2))
  return meta
}
