/**
 * The `archives` input: each line resolved to a commit, downloaded (or taken
 * from the tool cache), verified and extracted into its DEST; a few at a
 * time, results in input order, a job summary table at the end.
 *
 * Without a pin or cache the download is extracted as it arrives (into a
 * staging folder next to DEST, swapped in once complete); with a `sha256:`
 * pin or `cache: true` it is first written to a temp file under RUNNER_TEMP
 * and checked, so a pin mismatch writes nothing. Extraction (and the download
 * feeding it) runs in a worker thread with a small heap (worker.ts), which
 * keeps memory flat whatever the archive's size.
 */
import fsp from 'node:fs/promises'
import path from 'node:path'
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { ArchiveResult, StepContext } from '../action/run.ts'
import { cacheAvailable, CACHE_FILE, findCached, storeInCache } from './cache.ts'
import type { ArchiveRef, DownloadDeps } from './download.ts'
import { Destination, UnsafeArchiveError, type ExtractStats } from './extract.ts'
import { resolveRef } from '../bitbucket/refs.ts'
import type { ArchiveSpec } from './spec.ts'
import { TarFormatError } from './tar-reader.ts'
import { Stager } from './worker/pool.ts'

/** Archives fetched at once: enough to hide latency, few enough for 2-core runners and Bitbucket's limits. */
export const CONCURRENCY = 4

interface Done {
  result: ArchiveResult
  kind: string
  ms: number
  cached: boolean
}

export async function fetchArchives(ctx: StepContext): Promise<ArchiveResult[]> {
  const specs = ctx.config.archives
  const done: (Done | undefined)[] = new Array(specs.length)
  const failures: { spec: ArchiveSpec; err: unknown }[] = []
  let cache = ctx.config.cache
  if (cache && !cacheAvailable(process.env)) {
    ctx.core.warning(
      '`cache: true` needs RUNNER_TOOL_CACHE (set on GitHub-hosted and self-hosted runners); archives are downloaded without the cache.',
    )
    cache = false
  }
  ctx.core.info(`Fetching ${specs.length} archive${specs.length === 1 ? '' : 's'} (up to ${CONCURRENCY} at a time)`)
  let next = 0
  const stager = new Stager((m) => ctx.core.debug(ctx.masker.redact(m)))
  const lane = async () => {
    while (next < specs.length && failures.length === 0) {
      const i = next++
      const spec = specs[i]!
      try {
        done[i] = await fetchOne(ctx, stager, spec, cache)
      } catch (err) {
        failures.push({ spec, err })
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, specs.length) }, lane))
  } finally {
    await stager.close()
  }

  const completed = done.filter((d): d is Done => d !== undefined)
  if (completed.length) await ctx.core.appendSummary(archivesSummary(completed, ctx.config.workspace))
  if (failures.length) {
    for (const f of failures.slice(1)) ctx.core.warning(`archives line ${f.spec.line}: ${errorMessage(f.err)}`)
    const first = failures[0]!
    const more =
      failures.length > 1
        ? ` (${failures.length - 1} more line${failures.length > 2 ? 's' : ''} failed too; see the warnings)`
        : ''
    const message = `archives line ${first.spec.line}: ${errorMessage(first.err)}${more}`
    throw first.err instanceof ActionError
      ? new ActionError(message, { cause: first.err })
      : new ActionError(message, { cause: first.err, detail: String((first.err as Error)?.stack ?? first.err) })
  }
  return done.map((d) => d!.result)
}

function label(spec: ArchiveSpec): string {
  return `${spec.workspace}/${spec.repo}@${spec.ref}`
}

async function fetchOne(ctx: StepContext, stager: Stager, spec: ArchiveSpec, cache: boolean): Promise<Done> {
  const { config, core } = ctx
  const started = Date.now()
  const name = label(spec)
  const authorization = `Bearer ${ctx.accessToken}`
  const { commit, kind } = await resolveRef(
    { http: ctx.http, apiUrl: config.apiUrl, authorization },
    spec.workspace,
    spec.repo,
    spec.ref,
  )
  core.info(`${name}: ${kind} → commit ${commit}`)
  const a: ArchiveRef = { workspace: spec.workspace, repo: spec.repo, ref: spec.ref, commit }
  const deps: DownloadDeps = {
    http: ctx.http,
    bitbucketUrl: config.bitbucketUrl,
    authorization,
    info: (m) => core.info(m),
    debug: (m) => core.debug(ctx.masker.redact(m)),
  }
  const relDest = path.relative(config.workspace, spec.dest) || '.'

  const dest = await Destination.open(spec.dest, config.workspace)
  let tmp: string | undefined
  try {
    let sha256: string | undefined
    let bytes = 0
    let stats: ExtractStats | undefined
    let cached = false

    const stageDeps = { http: ctx.http, info: deps.info, debug: deps.debug }
    const hit = cache ? findCached(spec.workspace, spec.repo, commit) : undefined
    if (hit) {
      core.info(`${name}: commit ${commit.slice(0, 12)} is in the tool cache; not downloading`)
      checkPin(spec, hit.sha256, commit, 'cached archive')
      const r = await stager.stage(
        { source: { kind: 'file', file: hit.file }, staging: await dest.staging() },
        stageDeps,
      )
      if (r.sha256 === hit.sha256) {
        ;({ sha256, bytes } = hit)
        stats = r.stats
        cached = true
      } else {
        core.warning(
          `${name}: the cached archive of commit ${commit.slice(0, 12)} does not match its recorded sha256; downloading it again.`,
        )
      }
    }

    if (!stats) {
      if (spec.sha256 || cache) {
        tmp = await fsp.mkdtemp(path.join(config.runnerTemp, 'bitbucket-archive-'))
        const file = path.join(tmp, CACHE_FILE)
        const d = await stager.stage(
          {
            source: { kind: 'download', archive: a, bitbucketUrl: config.bitbucketUrl.href, authorization },
            saveTo: file,
          },
          stageDeps,
        )
        ;({ sha256, bytes } = d)
        checkPin(spec, d.sha256, commit, 'archive')
        stats = (await stager.stage({ source: { kind: 'file', file }, staging: await dest.staging() }, stageDeps)).stats
      } else {
        const r = await stager.stage(
          {
            source: { kind: 'download', archive: a, bitbucketUrl: config.bitbucketUrl.href, authorization },
            staging: await dest.staging(),
          },
          stageDeps,
        )
        ;({ sha256, bytes, stats } = r)
      }
    }

    if (!stats) throw new Error('internal: the extraction reported no result')
    await dest.commit(stats.topMode)
    const ms = Date.now() - started
    core.info(
      `${name}: ${cached ? 'extracted from the cache' : `downloaded ${formatBytes(bytes)}`}, ${stats.files} files into ${relDest} in ${(ms / 1000).toFixed(1)} s (sha256 ${sha256})`,
    )
    if (cache && !cached && tmp) {
      try {
        await storeInCache(tmp, spec.workspace, spec.repo, commit, sha256!, bytes)
        core.info(`${name}: kept in the tool cache`)
      } catch (err) {
        core.warning(
          `${name}: could not store the archive in the tool cache (${errorMessage(err)}); the next run downloads it again.`,
        )
      }
    }
    return {
      result: {
        repository: `${spec.workspace}/${spec.repo}`,
        ref: spec.ref,
        commit,
        path: spec.dest,
        sha256: sha256!,
        bytes,
      },
      kind,
      ms,
      cached,
    }
  } catch (err) {
    await dest.abort().catch(() => {})
    throw explain(err, spec, commit, relDest)
  } finally {
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {})
  }
}

function checkPin(spec: ArchiveSpec, actual: string, commit: string, what: string): void {
  if (!spec.sha256 || spec.sha256 === actual) return
  throw new ActionError(
    `The ${what} of ${label(spec)} (commit ${commit.slice(0, 12)}) has sha256 ${actual}, but line ${spec.line} pins ${spec.sha256}; nothing was written. If the change is expected (the tag was moved, or Bitbucket regenerated the archive), update the pin; otherwise do not trust this archive.`,
  )
}

/** An extraction or file-system failure as a message that says what happened and what to do. */
function explain(err: unknown, spec: ArchiveSpec, commit: string, relDest: string): unknown {
  const name = label(spec)
  const untouched = `${relDest} was left as it was.`
  if (err instanceof UnsafeArchiveError) {
    return new ActionError(
      `Refused the archive of ${name} (commit ${commit.slice(0, 12)}): ${err.message}. Nothing was extracted; ${untouched}`,
    )
  }
  if (err instanceof ActionError) return err
  const code = (err as NodeJS.ErrnoException)?.code
  if (err instanceof TarFormatError) {
    return new ActionError(
      `The archive of ${name} is not a valid tar archive (${err.message}); ${untouched} Re-run the job; if it persists, download the archive by hand to check it.`,
    )
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return new ActionError(
      `The archive of ${name} is not a valid gzip file (${errorMessage(err)}); ${untouched} Check \`bitbucket-url\` and any proxy that may rewrite answers.`,
    )
  }
  if (code === 'ENOSPC')
    return new ActionError(
      `The runner ran out of disk space while extracting ${name}; ${untouched} Free some space or fetch fewer archives.`,
    )
  if (code === 'EACCES' || code === 'EPERM') {
    return new ActionError(
      `Could not write ${name} into ${relDest}: ${errorMessage(err)}. Check the permissions of the folder.`,
    )
  }
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new ActionError(`The archive of ${name} has conflicting entries (${errorMessage(err)}); ${untouched}`)
  }
  return new ActionError(`Fetching ${name} into ${relDest} failed: ${errorMessage(err)}. ${untouched}`, {
    detail: String((err as Error)?.stack ?? err),
  })
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`
}

const cell = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`)

function archivesSummary(done: Done[], workspace: string): string {
  let md = '### Bitbucket archives\n\n| Repository | Ref | Commit | Size | Time | Path |\n|---|---|---|---|---|---|\n'
  for (const d of done) {
    const r = d.result
    md += `| ${cell(r.repository)} | ${cell(r.ref)} | \`${r.commit.slice(0, 12)}\` | ${formatBytes(r.bytes)} | ${(d.ms / 1000).toFixed(1)} s${d.cached ? ' (cache)' : ''} | ${cell(path.relative(workspace, r.path))} |\n`
  }
  return md + '\n'
}
