import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import {
  archivesOf,
  sampleTree,
  topFolder,
  type ArchiveStore,
  type Tree,
} from '../../emulator/bitbucket/archive-store.ts'
import { startMirror } from '../../emulator/bitbucket/mirror.ts'
import { tarGz, type WriterEntry } from '../../emulator/tar-writer.ts'
import { findLeaks, newJob, removeJob, runStep, type Job, type StepResult } from '../helpers/action.ts'
import { compareTree, listAll } from '../helpers/archives.ts'
import { FAST_RETRY, startFixture, type Fixture } from '../helpers/emulator.ts'
import { createHash } from 'node:crypto'

let fx: Fixture
let job: Job
let store: ArchiveStore
let tree: Tree
let commit: string

beforeEach(async () => {
  fx = await startFixture()
  store = archivesOf(fx.emu.state)
  tree = sampleTree('acme/shared-lib@v1.2.0')
  commit = store.addCommit('acme/shared-lib', tree, { tags: ['v1.2.0', 'release/1.2'], branches: ['main'] })
  job = newJob('archives')
})
afterEach(async () => {
  await fx.emu.close()
  removeJob(job)
})

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

function run(
  archives: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<StepResult> {
  return runStep(job, 'main', { inputs: { ...fx.inputs, archives, ...extra }, env: { ...FAST_RETRY, ...env } })
}

function leaks(r: StepResult): string[] {
  const access = r.outputs['access-token']
  return findLeaks(r, {
    secret: fx.consumer.secret,
    refresh: fx.refreshToken,
    access,
    next: r.outputs['refresh-token'],
  })
}

function archiveRequests(): { path: string; auth: boolean }[] {
  return fx.emu.router.requests
    .filter((q) => q.path.includes('/get/'))
    .map((q) => ({ path: q.path, auth: q.headers.authorization !== undefined }))
}

/** Nothing of ours left in the workspace (staging, old copies) or RUNNER_TEMP. */
function leftovers(): string[] {
  return [
    ...listAll(job.workspace).filter((p) => /(^|\/)\.[^/]*\.(partial|old)-/.test(p)),
    ...listAll(job.runnerTemp).filter((p) => p.startsWith('bitbucket-archive-')),
  ]
}

function outputs(
  r: StepResult,
): { repository: string; ref: string; commit: string; path: string; sha256: string; bytes: number }[] {
  return JSON.parse(r.outputs.archives ?? 'null')
}

describe('downloading archives', () => {
  test('a tag into the default DEST: files byte-identical, modes kept, output and summary', async () => {
    const r = await run('acme/shared-lib@v1.2.0')
    expect(r.errors).toEqual([])
    expect(r.code).toBe(0)
    const dest = path.join(job.workspace, 'shared-lib')
    expect(compareTree(dest, tree)).toEqual([])
    expect(fs.statSync(path.join(dest, 'bin/run.sh')).mode & 0o111).toBe(0o111)
    const bytes = store.archive('acme/shared-lib', commit)
    expect(outputs(r)).toEqual([
      { repository: 'acme/shared-lib', ref: 'v1.2.0', commit, path: dest, sha256: sha256(bytes), bytes: bytes.length },
    ])
    expect(r.summary).toContain('| acme/shared-lib | v1.2.0 | `' + commit.slice(0, 12) + '`')
    expect(r.stdout).toContain(`acme/shared-lib@v1.2.0: tag → commit ${commit}`)
    expect(r.stdout).toContain('::debug::downloading and extracting acme/shared-lib@v1.2.0 in a worker thread')
    // Resolved through the API with the Bearer token, then the archive of the commit itself.
    const paths = fx.emu.router.requests.map((q) => q.path)
    expect(paths).toContain('/2.0/repositories/acme/shared-lib/refs/tags/v1.2.0')
    expect(archiveRequests()).toEqual([{ path: `/acme/shared-lib/get/${commit}.tar.gz`, auth: true }])
    expect(leftovers()).toEqual([])
    expect(leaks(r)).toEqual([])
  })

  test('branch, commit and slash-containing refs; nested DEST', async () => {
    const other = store.addCommit('acme/tools', sampleTree('acme/tools@x'), { branches: ['feature/fast'] })
    const r = await run(
      [
        '# comment',
        '',
        'acme/shared-lib@main -> vendor/by-branch',
        `acme/shared-lib@${commit} -> vendor/deep/by-commit`,
        'acme/shared-lib@release/1.2 -> by-slash-tag',
        'acme/tools@feature/fast',
      ].join('\n'),
    )
    expect(r.errors).toEqual([])
    const out = outputs(r)
    expect(out.map((o) => [o.ref, o.commit, path.relative(job.workspace, o.path)])).toEqual([
      ['main', commit, 'vendor/by-branch'],
      [commit, commit, 'vendor/deep/by-commit'],
      ['release/1.2', commit, 'by-slash-tag'],
      ['feature/fast', other, 'tools'],
    ])
    for (const o of out.slice(0, 3)) expect(compareTree(o.path, tree)).toEqual([])
    expect(compareTree(out[3]!.path, sampleTree('acme/tools@x'))).toEqual([])
    const paths = fx.emu.router.requests.map((q) => q.path)
    expect(paths).toContain('/2.0/repositories/acme/shared-lib/refs/branches/main')
    expect(paths).toContain(`/2.0/repositories/acme/shared-lib/commit/${commit}`)
    expect(paths).toContain('/2.0/repositories/acme/shared-lib/refs/tags/release%2F1.2')
    expect(paths).toContain('/2.0/repositories/acme/tools/refs/branches/feature%2Ffast')
    expect(leaks(r)).toEqual([])
  })

  test('a sha256 pin that matches', async () => {
    const pin = sha256(store.archive('acme/shared-lib', commit))
    const r = await run(`acme/shared-lib@v1.2.0 -> pinned sha256:${pin.toUpperCase()}`)
    expect(r.errors).toEqual([])
    expect(compareTree(path.join(job.workspace, 'pinned'), tree)).toEqual([])
    expect(outputs(r)[0]!.sha256).toBe(pin)
    expect(leftovers()).toEqual([])
  })

  test('a sha256 pin that does not match fails and leaves DEST untouched', async () => {
    const dest = path.join(job.workspace, 'pinned')
    fs.mkdirSync(dest)
    fs.writeFileSync(path.join(dest, 'keep.txt'), 'old')
    const before = listAll(job.workspace)
    const r = await run(`acme/shared-lib@v1.2.0 -> pinned sha256:${'0'.repeat(64)}`)
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain(
      `has sha256 ${sha256(store.archive('acme/shared-lib', commit))}, but line 1 pins ${'0'.repeat(64)}; nothing was written`,
    )
    expect(listAll(job.workspace)).toEqual(before)
    expect(fs.readFileSync(path.join(dest, 'keep.txt'), 'utf8')).toBe('old')
    expect(leftovers()).toEqual([])
    expect(r.outputs['access-token']).toBeDefined() // the token outputs survive a later failure
    expect(leaks(r)).toEqual([])
  })

  test('an unknown tag names the repository and the ref', async () => {
    const r = await run('acme/shared-lib@v9.9.9')
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([
      'archives line 1: ' +
        'acme/shared-lib has no tag, branch or commit named "v9.9.9". Check the ref (tags are case-sensitive); if it exists, the token may lack access: The OAuth consumer needs the Repositories: Read permission (scope `repository`), and its user (or workspace) must be able to read the repository.',
    ])
    expect(r.errors[0]).toContain('scope `repository`')
    expect(archiveRequests()).toEqual([])
    expect(fs.existsSync(path.join(job.workspace, 'shared-lib'))).toBe(false)
  })

  test('a failing line is named by its number; other lines still complete, nothing half-written', async () => {
    const r = await run('acme/shared-lib@v1.2.0 -> ok\nacme/shared-lib@nope -> bad')
    expect(r.errors).toEqual([
      expect.stringMatching(/^archives line 2: acme\/shared-lib has no tag, branch or commit named "nope"/),
    ])
    expect(compareTree(path.join(job.workspace, 'ok'), tree)).toEqual([])
    expect(fs.existsSync(path.join(job.workspace, 'bad'))).toBe(false)
    expect(r.outputs.archives).toBeUndefined()
    expect(leftovers()).toEqual([])
  })

  test('an unknown or unreadable repository says so', async () => {
    store.repository('acme/secret').readers = new Set(['someone-else'])
    store.addCommit('acme/secret', sampleTree('s'), { tags: ['v1'] })
    const r = await run('acme/secret@v1')
    expect(r.errors).toEqual([
      expect.stringContaining('Repository acme/secret was not found, or the token cannot see it'),
    ])
  })

  test('a token without the repository scope gets a 403 that says what to tick', async () => {
    const c = fx.emu.state.addConsumer({ scopes: ['account'] })
    const refresh = fx.emu.state.issueRefreshToken(c.key).value
    const r = await run('acme/shared-lib@v1.2.0', {
      'client-id': c.key,
      'client-secret': c.secret,
      'refresh-token': refresh,
    })
    expect(r.errors).toEqual([expect.stringContaining('The token may not read acme/shared-lib (HTTP 403')])
    expect(r.errors[0]).toContain('scope `repository`')
  })

  test('a redirect to the login page is an authentication error, and DEST is untouched', async () => {
    fx.emu.faults.add({
      kind: 'status',
      path: '/acme/shared-lib/get/',
      status: 302,
      headers: { location: '/account/signin/?next=%2Facme%2Fshared-lib%2Fget%2Fx.tar.gz' },
      body: '',
    })
    const r = await run('acme/shared-lib@v1.2.0')
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([
      expect.stringContaining('with its login page instead of the archive: the token was not accepted'),
    ])
    expect(fs.existsSync(path.join(job.workspace, 'shared-lib'))).toBe(false)
    expect(leftovers()).toEqual([])
    expect(leaks(r)).toEqual([])
  })

  test('an HTML answer is an authentication error', async () => {
    fx.emu.faults.add({
      kind: 'status',
      path: '/acme/shared-lib/get/',
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<html>Log in</html>',
    })
    const r = await run('acme/shared-lib@v1.2.0')
    expect(r.errors).toEqual([expect.stringContaining('with an HTML page instead of the archive')])
  })

  test('the emulator itself sends a request without a valid token to the login page', async () => {
    const res = await fetch(`${fx.emu.url}/acme/shared-lib/get/${commit}.tar.gz`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toMatch(/^\/account\/signin\/\?next=/)
  })

  test('a malformed line fails before any request, naming the line and the form', async () => {
    const r = await run('acme/shared-lib@v1.2.0\n\nnot a valid line')
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([
      expect.stringContaining(
        'archives line 3 ("not a valid line") is not of the form WORKSPACE/REPO@REF [-> DEST] [sha256:HEX64]',
      ),
    ])
    expect(fx.emu.router.requests).toEqual([])
  })

  test('a DEST outside the workspace is refused before any request', async () => {
    const r = await run('acme/shared-lib@v1.2.0 -> ../elsewhere')
    expect(r.errors).toEqual([expect.stringContaining('archives line 1: DEST "../elsewhere" leaves the workspace')])
    expect(fx.emu.router.requests).toEqual([])
    expect(fs.existsSync(path.join(job.root, 'elsewhere'))).toBe(false)
  })

  test('a DEST whose parent is a symlink leading out of the workspace is refused', async () => {
    fs.mkdirSync(path.join(job.root, 'outside'))
    fs.symlinkSync(path.join(job.root, 'outside'), path.join(job.workspace, 'link'))
    const r = await run('acme/shared-lib@v1.2.0 -> link/lib')
    expect(r.errors).toEqual([expect.stringContaining('leaves the workspace through a symbolic link')])
    expect(fs.readdirSync(path.join(job.root, 'outside'))).toEqual([])
  })

  test('an existing DEST is replaced as a whole', async () => {
    const dest = path.join(job.workspace, 'shared-lib')
    fs.mkdirSync(path.join(dest, 'stale/dir'), { recursive: true })
    fs.writeFileSync(path.join(dest, 'stale/dir/old.txt'), 'old')
    fs.writeFileSync(path.join(dest, 'README.md'), 'old readme')
    const r = await run('acme/shared-lib@v1.2.0')
    expect(r.errors).toEqual([])
    expect(compareTree(dest, tree)).toEqual([])
    expect(fs.existsSync(path.join(dest, 'stale'))).toBe(false)
    expect(leftovers()).toEqual([])
  })

  test('six archives at once, results in input order', async () => {
    const trees: Tree[] = []
    const lines: string[] = []
    for (let i = 0; i < 6; i++) {
      const t = sampleTree(`acme/lib${i}@v${i}`)
      t.files.push({ path: `big/blob${i}.bin`, content: Buffer.alloc(300_000 + i * 1000, i + 1) })
      trees.push(t)
      store.addCommit(`acme/lib${i}`, t, { tags: [`v${i}`] })
      lines.push(`acme/lib${i}@v${i} -> libs/lib${i}`)
    }
    // Slow answers: the six overlap only if they run concurrently.
    fx.emu.faults.add({ kind: 'delay', path: /^\/acme\/lib\d\/get\//, delayMs: 300, times: 6 })
    const r = await run(lines.join('\n'))
    expect(r.errors).toEqual([])
    const out = outputs(r)
    expect(out.map((o) => o.repository)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `acme/lib${i}`))
    trees.forEach((t, i) => expect(compareTree(path.join(job.workspace, `libs/lib${i}`), t)).toEqual([]))
    const at = fx.emu.router.requests.filter((q) => q.path.includes('/get/')).map((q) => q.at)
    expect(at).toHaveLength(6)
    // At least two started within the delay of each other (concurrent), and not all six at once (bounded).
    const sorted = [...at].sort((a, b) => a - b)
    expect(sorted[1]! - sorted[0]!).toBeLessThan(250)
    expect(sorted[5]! - sorted[0]!).toBeGreaterThanOrEqual(250)
    expect(r.summary.match(/\| acme\/lib\d \|/g)).toHaveLength(6)
    expect(leaks(r)).toEqual([])
  })
})

describe('network faults', () => {
  test('a redirect to another host carries no Authorization', async () => {
    const mirror = await startMirror(store)
    try {
      store.repository('acme/shared-lib').redirectTo = mirror.url
      const r = await run('acme/shared-lib@v1.2.0')
      expect(r.errors).toEqual([])
      expect(compareTree(path.join(job.workspace, 'shared-lib'), tree)).toEqual([])
      expect(archiveRequests()).toEqual([{ path: `/acme/shared-lib/get/${commit}.tar.gz`, auth: true }])
      expect(mirror.requests).toEqual([{ path: `/signed/acme/shared-lib/${commit}.tar.gz`, authorization: false }])
    } finally {
      await mirror.close()
    }
  })

  test('a reset before the answer is retried', async () => {
    fx.emu.faults.add({ kind: 'reset', path: '/acme/shared-lib/get/' })
    const r = await run('acme/shared-lib@v1.2.0')
    expect(r.errors).toEqual([])
    expect(archiveRequests()).toHaveLength(2)
    expect(compareTree(path.join(job.workspace, 'shared-lib'), tree)).toEqual([])
  })

  test('a body cut off mid-way is fetched again', async () => {
    tree.files.push({
      path: 'big.bin',
      content: Buffer.from(Array.from({ length: 400_000 }, (_, i) => (i * 7919) % 251)),
    })
    commit = store.addCommit('acme/big', tree, { tags: ['v1'] })
    fx.emu.faults.add({ kind: 'truncate', path: '/acme/big/get/', fraction: 0.5 })
    const r = await run('acme/big@v1')
    expect(r.errors).toEqual([])
    expect(r.stdout).toMatch(/acme\/big@v1: the download broke off \(.*\); trying again/)
    expect(archiveRequests()).toHaveLength(2)
    expect(compareTree(path.join(job.workspace, 'big'), tree)).toEqual([])
    expect(outputs(r)[0]!.sha256).toBe(sha256(store.archive('acme/big', commit)))
    expect(leftovers()).toEqual([])
  })

  test('a persistently truncated archive fails cleanly, DEST untouched', async () => {
    const dest = path.join(job.workspace, 'shared-lib')
    fs.mkdirSync(dest)
    fs.writeFileSync(path.join(dest, 'keep.txt'), 'old')
    fx.emu.faults.add({ kind: 'truncate', path: '/acme/shared-lib/get/', fraction: 0.6, times: Infinity })
    const r = await run('acme/shared-lib@v1.2.0')
    expect(r.code).toBe(1)
    expect(r.errors).toEqual([
      expect.stringContaining('The archive download of acme/shared-lib@v1.2.0 broke off 4 times (last: '),
    ])
    expect(archiveRequests()).toHaveLength(4)
    expect(listAll(dest)).toEqual(['keep.txt'])
    expect(leftovers()).toEqual([])
    expect(r.stdout).not.toMatch(/at .*\.js:\d+/) // no stack trace
  })

  test('a persistently truncated pinned archive fails cleanly too', async () => {
    fx.emu.faults.add({ kind: 'truncate', path: '/acme/shared-lib/get/', fraction: 0.6, times: Infinity })
    const pin = sha256(store.archive('acme/shared-lib', commit))
    const r = await run(`acme/shared-lib@v1.2.0 sha256:${pin}`)
    expect(r.errors).toEqual([expect.stringContaining('broke off 4 times')])
    expect(fs.existsSync(path.join(job.workspace, 'shared-lib'))).toBe(false)
    expect(leftovers()).toEqual([])
  })
})

describe('hostile archives are refused: nothing written outside, DEST untouched', () => {
  const file = (name: string, data = 'x'): WriterEntry => ({ name, type: 'file', data })
  const cases: [string, (top: string) => WriterEntry[], RegExp][] = [
    [
      'absolute path',
      (top) => [{ name: `${top}/`, type: 'directory' }, file(`${top}/ok.txt`), file('/tmp/PWNED-abs')],
      /an absolute path/,
    ],
    [
      '.. entry',
      (top) => [{ name: `${top}/`, type: 'directory' }, file(`${top}/../../../PWNED`)],
      /a "\.\." path component/,
    ],
    [
      'symlink out, then a file through it',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/out`, type: 'symlink', linkname: '../../..' },
        file(`${top}/out/PWNED`),
      ],
      /a symlink to "\.\.\/\.\.\/\.\.", outside/,
    ],
    [
      'absolute symlink',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/etc`, type: 'symlink', linkname: '/etc' },
      ],
      /a symlink to the absolute path "\/etc"/,
    ],
    [
      'symlink chain that leaves',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/d/`, type: 'directory' },
        { name: `${top}/d/l`, type: 'symlink', linkname: '..' },
        { name: `${top}/x`, type: 'symlink', linkname: 'd/l/..' },
      ],
      /leads outside the archive's folder through other symlinks|outside the archive's folder/,
    ],
    [
      'file below an inside symlink',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/sub/`, type: 'directory' },
        { name: `${top}/l`, type: 'symlink', linkname: 'sub' },
        file(`${top}/l/f`),
      ],
      /below the symlink/,
    ],
    [
      'hard link out',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/passwd`, type: 'hardlink', linkname: '/etc/passwd' },
      ],
      /a hard link to "\/etc\/passwd", outside/,
    ],
    [
      'hard link to a non-member',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/h`, type: 'hardlink', linkname: `${top}/../x` },
      ],
      /a hard link to .*outside/,
    ],
    [
      'device file',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/null`, type: 'char-device' },
      ],
      /a device file/,
    ],
    [
      'fifo',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/pipe`, type: 'fifo' },
      ],
      /a fifo/,
    ],
    [
      'symlink chain that leaves, its links in reverse order (only the final check sees it)',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/d/`, type: 'directory' },
        { name: `${top}/x`, type: 'symlink', linkname: 'd/l/..' },
        { name: `${top}/d/l`, type: 'symlink', linkname: '..' },
      ],
      /"[^"]*\/x": a symlink to "d\/l\/\.\.", which leads outside the archive's folder through other symlinks/,
    ],
    [
      'symlink target with backslashes (a way out on Windows)',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/home`, type: 'symlink', linkname: '..\\..\\..\\..\\Users\\runneradmin' },
      ],
      /a target holding "\\"/,
    ],
    [
      '.git folder',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        file(`${top}/.git/config`, '[core]\n\tfsmonitor = touch PWNED\n'),
      ],
      /a \.git path component/,
    ],
    [
      '.GIT folder deeper down',
      (top) => [{ name: `${top}/`, type: 'directory' }, file(`${top}/sub/.GIT/hooks/post-checkout`)],
      /a \.git path component/,
    ],
    [
      'entries below a symlink under another case (link first)',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/top/L`, type: 'symlink', linkname: '.' },
        file(`${top}/top/l/x`),
      ],
      /it lies below the symlink "top\/l"/,
    ],
    [
      'entries below a symlink under another case (entries first)',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        file(`${top}/top/l/x`),
        { name: `${top}/top/L`, type: 'symlink', linkname: '.' },
      ],
      /entries of the archive lie below this symlink/,
    ],
    [
      'path longer than 4,096 bytes',
      (top) => [{ name: `${top}/`, type: 'directory' }, file(`${top}/${'d/'.repeat(2100)}f`)],
      /a path longer than 4,096 bytes/,
    ],
    [
      'name holding NUL',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { ...file(`${top}/ok`), pax: { path: `${top}/a\0b` } },
      ],
      /a name holding a NUL byte/,
    ],
    [
      'sparse file',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/holes.bin`, type: 'sparse', data: 'x' },
      ],
      /"[^"]*\/holes\.bin": a sparse file/,
    ],
    [
      'two top-level folders',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        file(`${top}/a`),
        { name: 'other/', type: 'directory' },
        file('other/b'),
      ],
      /does not hold a single top-level folder/,
    ],
  ]
  test.each(cases)('%s', async (label, entries, message) => {
    store.addRawCommit('evil/repo', label, entries, { tags: ['v1'] })
    const dest = path.join(job.workspace, 'repo')
    fs.mkdirSync(dest)
    fs.writeFileSync(path.join(dest, 'keep.txt'), 'old')
    const rootBefore = listAll(job.root).filter((p) => !p.startsWith('workspace/') && !p.startsWith('main-files'))
    const r = await run('evil/repo@v1')
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/^archives line 1: Refused the archive of evil\/repo@v1 \(commit [0-9a-f]{12}\): /)
    expect(r.errors[0]).toMatch(message)
    expect(r.errors[0]).toContain('repo was left as it was')
    expect(listAll(dest)).toEqual(['keep.txt'])
    expect(listAll(job.workspace)).toEqual(['repo', 'repo/keep.txt'])
    expect(listAll(job.root).filter((p) => !p.startsWith('workspace/') && !p.startsWith('main-files'))).toEqual(
      rootBefore,
    )
    expect(fs.existsSync('/tmp/PWNED-abs')).toBe(false)
    expect(leftovers()).toEqual([])
  })

  test('a pinned hostile archive is refused the same way', async () => {
    const c = store.addRawCommit(
      'evil/repo',
      'pinned',
      (top) => [{ name: `${top}/`, type: 'directory' }, file(`${top}/../PWNED`)],
      { tags: ['v1'] },
    )
    const pin = sha256(store.archive('evil/repo', c))
    const r = await run(`evil/repo@v1 sha256:${pin}`)
    expect(r.errors).toEqual([expect.stringMatching(/a "\.\." path component/)])
    expect(fs.existsSync(path.join(job.workspace, 'repo'))).toBe(false)
    expect(leftovers()).toEqual([])
  })

  test('an archive that is not gzip', async () => {
    fx.emu.faults.add({
      kind: 'status',
      path: '/acme/shared-lib/get/',
      status: 200,
      contentType: 'application/x-gzip',
      body: 'this is not gzip at all',
    })
    const r = await run('acme/shared-lib@v1.2.0')
    expect(r.errors).toEqual([expect.stringContaining('is not a valid gzip file')])
    expect(leftovers()).toEqual([])
  })

  test('sanity: the hostile fixtures are real tar archives', () => {
    expect(tarGz([{ name: 'a/', type: 'directory' }]).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
    expect(topFolder('ws', 'repo', 'abcdef0123456789')).toBe('ws-repo-abcdef012345')
  })
})

describe('hardening: bounded work, malformed headers, names as git wrote them, DEST rules', () => {
  test('a 1 MiB link target fails at once with a clear message (it used to keep the worker busy for ~30 min)', async () => {
    const target = 'a/'.repeat(524_000) // 1,048,000 bytes: under the 1 MiB pax cap
    store.addRawCommit(
      'evil/repo',
      'long-target',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/x`, type: 'symlink', linkname: target },
      ],
      { tags: ['v1'] },
    )
    const started = Date.now()
    const r = await run('evil/repo@v1')
    const ms = Date.now() - started
    expect(r.errors).toEqual([
      expect.stringMatching(/unsafe entry "[^"]*\/x": a symlink whose target is longer than 4,096 bytes/),
    ])
    expect(r.errors[0]!.length).toBeLessThan(500)
    expect(ms).toBeLessThan(15_000) // the whole step, token grant and worker start included
    expect(fs.existsSync(path.join(job.workspace, 'repo'))).toBe(false)
  })

  test.each([
    [
      'a pax size beyond 2^53',
      { pax: { size: '99999999999999999999' } },
      /is not a valid tar archive \(a pax size of 99999999999999999999 bytes, beyond 2\^53\)/,
    ],
    [
      'a negative base-256 number',
      { edit: (h: Buffer) => h.fill(0xff, 108, 116) },
      /is not a valid tar archive \(a negative base-256 uid field\)/,
    ],
  ])('%s is a malformed archive, reported as such and not retried', async (_label, twist, message) => {
    store.addRawCommit(
      'evil/repo',
      _label,
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/f`, type: 'file', data: 'x', ...twist },
      ],
      { tags: ['v1'] },
    )
    const r = await run('evil/repo@v1')
    expect(r.errors).toEqual([expect.stringMatching(message)])
    expect(archiveRequests()).toHaveLength(1)
    expect(r.stdout).not.toContain('trying again')
    expect(fs.existsSync(path.join(job.workspace, 'repo'))).toBe(false)
  })

  test('a file name that is not UTF-8 is written byte for byte, next to one that differs only there', async () => {
    const latin1 = (s: string) => Buffer.from(s, 'latin1')
    store.addRawCommit(
      'acme/latin',
      'latin1',
      (top) => [
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/a`, type: 'file', data: 'e-acute', pax: { path: latin1(`${top}/caf\xe9`) } },
        { name: `${top}/b`, type: 'file', data: 'e-grave', pax: { path: latin1(`${top}/caf\xe8`) } },
      ],
      { tags: ['v1'] },
    )
    const r = await run('acme/latin@v1')
    expect(r.errors).toEqual([])
    const dest = path.join(job.workspace, 'latin')
    expect(
      fs
        .readdirSync(dest, { encoding: 'buffer' })
        .map((b) => b.toString('hex'))
        .sort(),
    ).toEqual(['636166e8', '636166e9'])
    expect(fs.readFileSync(Buffer.concat([Buffer.from(`${dest}/`), latin1('caf\xe9')]), 'utf8')).toBe('e-acute')
  })

  test.each(['sub/.git', 'vendor/.GIT/hooks', '.Git'])(
    'a DEST with a .git component (%s) fails before any request',
    async (dest) => {
      const r = await run(`acme/shared-lib@v1.2.0 -> ${dest}`)
      expect(r.errors).toEqual([
        expect.stringContaining(`archives line 1: DEST "${dest}" has a .git folder in its path`),
      ])
      expect(fx.emu.router.requests).toEqual([])
    },
  )

  test('two DESTs that overlap through a workspace symlink fail before any request', async () => {
    fs.mkdirSync(path.join(job.workspace, 'x'))
    fs.symlinkSync(path.join(job.workspace, 'x'), path.join(job.workspace, 'y'))
    const r = await run('acme/shared-lib@v1.2.0 -> x\nacme/shared-lib@main -> y/z')
    expect(r.errors).toEqual([
      expect.stringContaining(
        'archives lines 1 and 2 write to overlapping folders (x, y/z, once symbolic links are followed)',
      ),
    ])
    expect(fx.emu.router.requests).toEqual([])
  })
})

describe('cache: true', () => {
  test('a second run takes the archive from the tool cache; same sha256 and bytes; a pin is checked against them', async () => {
    const toolCache = path.join(job.root, 'toolcache')
    const env = { RUNNER_TOOL_CACHE: toolCache }
    const first = await run('acme/shared-lib@v1.2.0', { cache: 'true' }, env)
    expect(first.errors).toEqual([])
    expect(first.stdout).toContain('acme/shared-lib@v1.2.0: kept in the tool cache')
    expect(archiveRequests()).toHaveLength(1)
    const cached = path.join(toolCache, 'bitbucket-archive/acme/shared-lib', `0.0.0-c${commit}`, 'any')
    expect(fs.existsSync(path.join(cached, 'archive.tar.gz'))).toBe(true)

    fs.rmSync(path.join(job.workspace, 'shared-lib'), { recursive: true })
    const second = await run('acme/shared-lib@v1.2.0', { cache: 'true' }, env)
    expect(second.errors).toEqual([])
    expect(second.stdout).toContain(
      `acme/shared-lib@v1.2.0: commit ${commit.slice(0, 12)} is in the tool cache; not downloading`,
    )
    expect(archiveRequests()).toHaveLength(1) // no second download
    expect(outputs(second)).toEqual(outputs(first))
    expect(compareTree(path.join(job.workspace, 'shared-lib'), tree)).toEqual([])
    expect(second.summary).toContain('(cache)')

    const wrong = await run(`acme/shared-lib@v1.2.0 sha256:${'a'.repeat(64)}`, { cache: 'true' }, env)
    expect(wrong.errors).toEqual([
      expect.stringContaining(
        `The cached archive of acme/shared-lib@v1.2.0 (commit ${commit.slice(0, 12)}) has sha256 ${outputs(first)[0]!.sha256}`,
      ),
    ])
    expect(archiveRequests()).toHaveLength(1)
    expect(compareTree(path.join(job.workspace, 'shared-lib'), tree)).toEqual([]) // untouched
    expect(leftovers()).toEqual([])
    expect(leaks(second)).toEqual([])
  })
})
