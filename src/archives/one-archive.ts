/**
 * One line of `archives`: its ref resolved to a commit, the archive turned
 * into an extracted staging folder next to DEST, then swapped in. Three paths:
 *
 * - cached (`cache: true`, the commit in the tool cache): hashed first, and
 *   extracted only when its bytes match the sha256 recorded with it;
 * - through a file (a `sha256:` pin, or `cache: true`): downloaded to a temp
 *   file under RUNNER_TEMP and checked first, so a pin mismatch writes
 *   nothing; then extracted, and kept in the tool cache when asked;
 * - streamed (otherwise): extracted as it downloads.
 */
import fsp from 'node:fs/promises'
import path from 'node:path'
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { ArchiveResult, StepContext } from '../action/run.ts'
import type { Resolved } from '../bitbucket/provider.ts'
import { CACHE_FILE, findCached, hashFile, storeInCache } from './cache.ts'
import { Destination } from './destination.ts'
import { explain } from './errors.ts'
import type { ExtractStats } from './extract.ts'
import { archiveLabel, type ArchiveSpec } from './spec.ts'
import { formatBytes } from './summary.ts'
import type { Stager } from './worker/pool.ts'
import type { StageDeps, StageResult, StageSource } from './worker/stage.ts'

export interface Fetched {
  result: ArchiveResult
  kind: Resolved['kind']
  ms: number
  cached: boolean
}

/** One line at work: what every path needs. */
interface Line {
  ctx: StepContext
  stager: Stager
  spec: ArchiveSpec
  commit: string
  authorization: string
  dest: Destination
  deps: StageDeps
  /** The temp folder of a download saved to a file: removed at the end (after the tool cache took a copy). */
  tmp?: string
}

/** An extracted staging folder, and the archive it came from. */
interface Staged {
  sha256: string
  bytes: number
  stats: ExtractStats
  cached: boolean
}

export async function fetchOne(ctx: StepContext, stager: Stager, spec: ArchiveSpec, cache: boolean): Promise<Fetched> {
  const { config, core } = ctx
  const started = Date.now()
  const name = archiveLabel(spec)
  const authorization = `Bearer ${ctx.accessToken}`
  const refDeps = { http: ctx.http, apiUrl: config.apiUrl, authorization }
  const { commit, kind } = await config.provider.resolveRef(refDeps, spec.workspace, spec.repo, spec.ref)
  core.info(`${name}: ${kind} → commit ${commit}`)
  const relDest = path.relative(config.workspace, spec.dest) || '.'
  const dest = await Destination.open(spec.dest, config.workspace)
  const deps: StageDeps = {
    http: ctx.http,
    info: (m) => core.info(m),
    debug: (m) => core.debug(ctx.masker.redact(m)),
  }
  const line: Line = { ctx, stager, spec, commit, authorization, dest, deps }
  try {
    const staged =
      (cache ? await fromCache(line) : undefined) ??
      (spec.sha256 || cache ? await throughFile(line) : await streamed(line))
    await dest.commit(staged.stats.topMode)
    const ms = Date.now() - started
    core.info(
      `${name}: ${staged.cached ? 'extracted from the cache' : `downloaded ${formatBytes(staged.bytes)}`}, ${staged.stats.files} files into ${relDest} in ${(ms / 1000).toFixed(1)} s (sha256 ${staged.sha256})`,
    )
    if (cache && !staged.cached && line.tmp) await keepInCache(line, staged)
    const { sha256, bytes } = staged
    const result = {
      repository: `${spec.workspace}/${spec.repo}`,
      ref: spec.ref,
      commit,
      path: spec.dest,
      sha256,
      bytes,
    }
    return { result, kind, ms, cached: staged.cached }
  } catch (err) {
    await dest.abort().catch(() => {})
    throw explain(err, spec, commit, relDest)
  } finally {
    if (line.tmp) await fsp.rm(line.tmp, { recursive: true, force: true }).catch(() => {})
  }
}

/**
 * The commit's archive from the tool cache, if there and intact (else
 * undefined: download it). Its bytes are hashed first: a pin is checked
 * against them, and bytes that do not match the record are never extracted.
 */
async function fromCache(line: Line): Promise<Staged | undefined> {
  const { ctx, spec, commit } = line
  const hit = findCached(spec.workspace, spec.repo, commit)
  if (!hit) return undefined
  const name = archiveLabel(spec)
  const actual = await hashFile(hit.file)
  if (actual.sha256 !== hit.sha256 || actual.bytes !== hit.bytes) {
    ctx.core.warning(
      `${name}: the cached archive of commit ${commit.slice(0, 12)} does not match its recorded sha256; downloading it again.`,
    )
    return undefined
  }
  ctx.core.info(`${name}: commit ${commit.slice(0, 12)} is in the tool cache; not downloading`)
  checkPin(spec, actual.sha256, commit, 'cached archive')
  const r = await line.stager.stage(
    { source: { kind: 'file', file: hit.file }, staging: await line.dest.staging(), flat: flat(line) },
    line.deps,
  )
  if (r.sha256 !== actual.sha256)
    throw new ActionError(
      `The cached archive of ${name} changed while it was extracted (something else writes the runner's tool cache); ${path.relative(ctx.config.workspace, spec.dest)} was left as it was. Re-run the job.`,
    )
  return { sha256: actual.sha256, bytes: actual.bytes, stats: extracted(r), cached: true }
}

/** Downloaded to a temp file, checked against the pin, then extracted. */
async function throughFile(line: Line): Promise<Staged> {
  line.tmp = await fsp.mkdtemp(path.join(line.ctx.config.runnerTemp, 'bitbucket-archive-'))
  const file = path.join(line.tmp, CACHE_FILE)
  const d = await line.stager.stage({ source: download(line), saveTo: file }, line.deps)
  checkPin(line.spec, d.sha256, line.commit, 'archive')
  const r = await line.stager.stage(
    { source: { kind: 'file', file }, staging: await line.dest.staging(), flat: flat(line) },
    line.deps,
  )
  return { sha256: d.sha256, bytes: d.bytes, stats: extracted(r), cached: false }
}

/** Extracted as it downloads. */
async function streamed(line: Line): Promise<Staged> {
  const r = await line.stager.stage(
    { source: download(line), staging: await line.dest.staging(), flat: flat(line) },
    line.deps,
  )
  return { sha256: r.sha256, bytes: r.bytes, stats: extracted(r), cached: false }
}

/** Whether the provider's archives hold their entries at the root (no top-level folder). */
function flat(line: Line): boolean {
  return !line.ctx.config.provider.archiveHasTopFolder
}

function download(line: Line): Extract<StageSource, { kind: 'download' }> {
  const { spec, commit } = line
  const { provider, bitbucketUrl, apiUrl } = line.ctx.config
  return {
    kind: 'download',
    archive: { workspace: spec.workspace, repo: spec.repo, ref: spec.ref, commit },
    bitbucketUrl: bitbucketUrl.href,
    url: provider.archiveUrl({ bitbucketUrl, apiUrl }, spec.workspace, spec.repo, commit).href,
    authorization: line.authorization,
    bitbucketType: provider.type,
  }
}

function extracted(r: StageResult): ExtractStats {
  if (!r.stats) throw new Error('internal: the extraction reported no result')
  return r.stats
}

async function keepInCache(line: Line, staged: Staged): Promise<void> {
  const { ctx, spec, commit } = line
  const name = archiveLabel(spec)
  try {
    await storeInCache(line.tmp!, spec.workspace, spec.repo, commit, staged.sha256, staged.bytes)
    ctx.core.info(`${name}: kept in the tool cache`)
  } catch (err) {
    ctx.core.warning(
      `${name}: could not store the archive in the tool cache (${errorMessage(err)}); the next run downloads it again.`,
    )
  }
}

export function checkPin(spec: ArchiveSpec, actual: string, commit: string, what: string): void {
  if (!spec.sha256 || spec.sha256 === actual) return
  throw new ActionError(
    `The ${what} of ${archiveLabel(spec)} (commit ${commit.slice(0, 12)}) has sha256 ${actual}, but line ${spec.line} pins ${spec.sha256}; nothing was written. If the change is expected (the tag was moved, or Bitbucket regenerated the archive), update the pin; otherwise do not trust this archive.`,
  )
}
