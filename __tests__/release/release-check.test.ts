/**
 * The release rules (scripts/release-check.ts, run by the release workflow) on
 * a local clone of a small repository with a package.json, a CHANGELOG.md and
 * a dist/ that a stand-in build command regenerates from src/.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../helpers/action.ts'

const SCRIPT = path.join(ROOT, 'scripts', 'release-check.ts')
// Node 24 runs the script's TypeScript as the workflow does.
const NODE = fs.existsSync(path.join(ROOT, 'node_modules', '.bin', 'node'))
  ? path.join(ROOT, 'node_modules', '.bin', 'node')
  : process.execPath
const BUILD = 'cp src/index.js dist/index.js'

const CHANGELOG = `# Changelog

## [Unreleased]

### Added

- Something not yet released.

## [1.1.0] - 2026-12-01

### Added

- The new input.

### Fixed

- The old bug.

## [1.0.0] - 2026-11-01

### Added

- First release.

[Unreleased]: https://example.com/compare/v1.1.0...HEAD
[1.1.0]: https://example.com/compare/v1.0.0...v1.1.0
[1.0.0]: https://example.com/releases/tag/v1.0.0
`

let root: string
let origin: string
let clone: string
const env = () => ({
  ...process.env,
  HOME: root,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GITHUB_OUTPUT: path.join(root, 'github-output'),
})

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: env(), encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
  }
}

/** Commits the files in the origin's work tree and tags the commit. */
function commitAndTag(files: Record<string, string>, tag?: string): string {
  write(origin, files)
  git(origin, 'add', '-A')
  git(origin, 'commit', '-q', '-m', `commit for ${tag ?? 'no tag'}`)
  if (tag) git(origin, 'tag', '-a', tag, '-m', tag)
  return git(origin, 'rev-parse', 'HEAD')
}

/** A fresh clone checked out at the tag, as actions/checkout leaves it. */
function cloneAt(ref: string): void {
  clone = path.join(root, `clone-${ref}`)
  git(root, 'clone', '-q', origin, clone)
  git(clone, 'checkout', '-q', ref)
}

function releaseCheck(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  fs.writeFileSync(env().GITHUB_OUTPUT, '')
  const r = spawnSync(NODE, [SCRIPT, ...args], { cwd: clone, env: env(), encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const outputs = () => fs.readFileSync(env().GITHUB_OUTPUT, 'utf8')

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-release-'))
  origin = path.join(root, 'origin')
  fs.mkdirSync(origin)
  git(origin, 'init', '-q', '-b', 'main')
  commitAndTag(
    {
      'package.json': JSON.stringify({ name: 'x', version: '1.1.0' }, null, 2) + '\n',
      'CHANGELOG.md': CHANGELOG,
      'src/index.js': 'export const v = 1\n',
      'dist/index.js': 'export const v = 1\n',
    },
    'v1.1.0',
  )
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

describe('check', () => {
  test('a tag that matches package.json, with a fresh dist/, gives the notes of its version', () => {
    cloneAt('v1.1.0')
    const notesFile = path.join(root, 'notes.md')
    const r = releaseCheck('check', '--tag', 'v1.1.0', '--build', BUILD, '--notes-out', notesFile)
    expect(r.stderr).toMatch(/v1\.1\.0 is releasable/)
    expect(r.code).toBe(0)
    expect(fs.readFileSync(notesFile, 'utf8')).toBe('### Added\n\n- The new input.\n\n### Fixed\n\n- The old bug.\n')
    expect(outputs()).toContain('major=v1\n')
    expect(outputs()).toContain(`notes-file=${notesFile}\n`)
  })

  test('without --notes-out the notes go to stdout', () => {
    cloneAt('v1.1.0')
    const r = releaseCheck('check', '--tag', 'v1.1.0', '--build', BUILD)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^### Added\n\n- The new input\./)
    expect(r.stdout).not.toMatch(/Unreleased|First release|example\.com/)
  })

  test('a tag whose version disagrees with package.json is refused', () => {
    commitAndTag({ 'README.md': 'x\n' }, 'v1.2.0')
    cloneAt('v1.2.0')
    const r = releaseCheck('check', '--tag', 'v1.2.0', '--build', BUILD)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/tag v1\.2\.0 disagrees with package\.json's version 1\.1\.0/)
  })

  test('a stale dist/ is refused, naming the file', () => {
    commitAndTag(
      {
        'package.json': JSON.stringify({ name: 'x', version: '1.2.0' }, null, 2) + '\n',
        'CHANGELOG.md': CHANGELOG.replace(
          '## [Unreleased]\n',
          '## [Unreleased]\n\n## [1.2.0] - 2026-12-02\n\n- Changed src without a build.\n',
        ),
        'src/index.js': 'export const v = 2\n',
      },
      'v1.2.0',
    )
    cloneAt('v1.2.0')
    const r = releaseCheck('check', '--tag', 'v1.2.0', '--build', BUILD)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/dist\/ is not the bundle of the tagged source/)
    expect(r.stderr).toMatch(/dist\/index\.js/)
  })

  test('a version without a CHANGELOG section is refused', () => {
    commitAndTag({ 'package.json': JSON.stringify({ name: 'x', version: '1.2.0' }, null, 2) + '\n' }, 'v1.2.0')
    cloneAt('v1.2.0')
    const r = releaseCheck('check', '--tag', 'v1.2.0', '--build', BUILD)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/CHANGELOG\.md has no "## \[1\.2\.0\]" section/)
  })

  test('an empty CHANGELOG section is refused', () => {
    commitAndTag(
      {
        'package.json': JSON.stringify({ name: 'x', version: '1.2.0' }, null, 2) + '\n',
        'CHANGELOG.md': CHANGELOG.replace('## [1.1.0]', '## [1.2.0] - 2026-12-02\n\n## [1.1.0]'),
      },
      'v1.2.0',
    )
    cloneAt('v1.2.0')
    const r = releaseCheck('check', '--tag', 'v1.2.0', '--build', BUILD)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/"## \[1\.2\.0\]" section is empty/)
  })

  test('a tag that is not vX.Y.Z, or not the checked-out commit, is refused', () => {
    cloneAt('v1.1.0')
    expect(releaseCheck('check', '--tag', 'v1.1', '--build', BUILD).stderr).toMatch(/not of the form vX\.Y\.Z/)
    expect(releaseCheck('check', '--tag', 'v1.1.0-rc.1', '--build', BUILD).stderr).toMatch(/not of the form vX\.Y\.Z/)
    commitAndTag({ 'README.md': 'later\n' })
    cloneAt('main')
    const r = releaseCheck('check', '--tag', 'v1.1.0', '--build', BUILD)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/tag v1\.1\.0 is on [0-9a-f]{12}, but the checkout is [0-9a-f]{12}/)
  })
})

describe('move-major', () => {
  test('v1 follows the newest release, and is pushed', () => {
    cloneAt('v1.1.0')
    const r = releaseCheck('move-major', '--tag', 'v1.1.0')
    expect(r.code).toBe(0)
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(git(origin, 'rev-parse', 'v1.1.0^{commit}'))

    const next = commitAndTag({ 'package.json': JSON.stringify({ name: 'x', version: '1.2.0' }) + '\n' }, 'v1.2.0')
    cloneAt('v1.2.0')
    expect(releaseCheck('move-major', '--tag', 'v1.2.0').code).toBe(0)
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(next)
  })

  test('a patch to an older line leaves v1 on the newer release', () => {
    const newer = commitAndTag({ 'README.md': 'newer\n' }, 'v1.3.0')
    git(origin, 'tag', 'v1', newer)
    git(origin, 'checkout', '-q', '-b', 'release-1.1', 'v1.1.0')
    commitAndTag({ 'README.md': 'patch\n' }, 'v1.1.1')
    cloneAt('v1.1.1')
    const r = releaseCheck('move-major', '--tag', 'v1.1.1')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/v1\.3\.0 is newer than v1\.1\.1: v1 stays/)
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(newer)
  })
})
