/**
 * The release rules, run by .github/workflows/release.yml on a pushed tag and
 * by hand before pushing one. Works in the current directory's git checkout.
 *
 *   node scripts/release-check.ts check --tag vX.Y.Z [--notes-out FILE] [--build CMD]
 *     - the tag is vX.Y.Z and names the checked-out commit (HEAD);
 *     - package.json's version is X.Y.Z;
 *     - the work tree is clean, and after CMD (default `npm run -s build`)
 *       dist/ is unchanged: the committed bundle is the build of this source;
 *     - CHANGELOG.md has a non-empty `## [X.Y.Z]` section: its body is the
 *       release notes (FILE, or stdout).
 *   node scripts/release-check.ts move-major --tag vX.Y.Z [--remote origin]
 *     - points vX at the tag's commit and force-pushes it, unless a higher
 *       vX.*.* tag already exists (a patch to an older line leaves vX alone).
 *
 * Writes `major=vX` (and `notes-file=FILE`) to GITHUB_OUTPUT when set.
 * Exits 1 with one `release-check: …` line on stderr when a rule is broken.
 */
import { execFileSync, execSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

class RuleError extends Error {}

const TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

function git(...args: string[]): string {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

function parseTag(tag: string): [number, number, number] {
  const m = TAG.exec(tag)
  if (!m) throw new RuleError(`tag "${tag}" is not of the form vX.Y.Z (e.g. v1.2.0)`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

function tagCommit(tag: string): string {
  try {
    return git('rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`)
  } catch {
    throw new RuleError(`tag ${tag} does not exist in this clone`)
  }
}

/** The body of `## [version]` up to the next `## ` heading, trimmed; throws when missing or empty. */
function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/)
  const heading = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\](\\s|$)`)
  const start = lines.findIndex((l) => heading.test(l))
  if (start < 0)
    throw new RuleError(`CHANGELOG.md has no "## [${version}]" section: move the Unreleased entries under it`)
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l))
  if (end < 0) end = lines.length
  // Link reference definitions ([1.0.0]: https://…) at the end belong to the whole file.
  const body = lines
    .slice(start + 1, end)
    .filter((l) => !/^\[[^\]]+\]:\s/.test(l))
    .join('\n')
    .trim()
  if (!body) throw new RuleError(`CHANGELOG.md's "## [${version}]" section is empty`)
  return body + '\n'
}

function setOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`)
}

function check(tag: string, notesOut: string | undefined, build: string): void {
  const [major] = parseTag(tag)
  const version = tag.slice(1)

  const commit = tagCommit(tag)
  const head = git('rev-parse', 'HEAD')
  if (commit !== head)
    throw new RuleError(
      `tag ${tag} is on ${commit.slice(0, 12)}, but the checkout is ${head.slice(0, 12)}: check out the tag`,
    )

  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version?: string }
  if (pkg.version !== version) {
    throw new RuleError(
      `tag ${tag} disagrees with package.json's version ${pkg.version}: set "version": "${version}" (npm version ${version} --no-git-tag-version), commit, and tag that commit`,
    )
  }

  const notes = changelogSection(fs.readFileSync('CHANGELOG.md', 'utf8'), version)

  const dirty = git('status', '--porcelain')
  if (dirty) throw new RuleError(`the work tree has changes before the build:\n${dirty}`)
  execSync(build, { stdio: ['ignore', 'inherit', 'inherit'] })
  const stale = git('status', '--porcelain', '--', 'dist')
  if (stale)
    throw new RuleError(
      `dist/ is not the bundle of the tagged source (run npm run build, commit dist/, tag again):\n${stale}`,
    )

  if (notesOut) {
    fs.mkdirSync(path.dirname(path.resolve(notesOut)), { recursive: true })
    fs.writeFileSync(notesOut, notes)
    setOutput('notes-file', notesOut)
  } else {
    process.stdout.write(notes)
  }
  setOutput('major', `v${major}`)
  console.error(`release-check: ${tag} is releasable (package.json ${version}, dist/ fresh, CHANGELOG section found)`)
}

function moveMajor(tag: string, remote: string): void {
  const [major, minor, patch] = parseTag(tag)
  const commit = tagCommit(tag)
  const higher = git('tag', '--list', `v${major}.*`)
    .split('\n')
    .filter((t) => TAG.test(t))
    .map(parseTag)
    .find(([, mi, pa]) => mi > minor || (mi === minor && pa > patch))
  if (higher) {
    console.error(`release-check: v${higher.join('.')} is newer than ${tag}: v${major} stays where it is`)
    return
  }
  git('tag', '--force', `v${major}`, commit)
  git('push', '--force', remote, `refs/tags/v${major}:refs/tags/v${major}`)
  setOutput('major', `v${major}`)
  console.error(`release-check: v${major} now points at ${tag} (${commit.slice(0, 12)})`)
}

function main(): void {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      tag: { type: 'string' },
      'notes-out': { type: 'string' },
      build: { type: 'string', default: 'npm run -s build' },
      remote: { type: 'string', default: 'origin' },
    },
  })
  const command = positionals[0]
  if (!values.tag) throw new RuleError('--tag vX.Y.Z is required')
  if (command === 'check') check(values.tag, values['notes-out'], values.build)
  else if (command === 'move-major') moveMajor(values.tag, values.remote)
  else throw new RuleError(`unknown command "${command ?? ''}": use check or move-major`)
}

try {
  main()
} catch (err) {
  const message = err instanceof RuleError ? err.message : String((err as Error)?.message ?? err)
  console.error(`release-check: ${message}`)
  process.exit(1)
}
