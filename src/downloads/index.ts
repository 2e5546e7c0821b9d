/**
 * The `downloads` input: files of repositories' Downloads sections, each
 * into its DEST (see download.ts), up to four at a time, results in input
 * order, a row per file in the job summary.
 *
 * Patterns are resolved first (every page of each repository's list, read
 * once), then every final DEST is checked again, together with the archives'
 * ones, before anything is written.
 */
import path from 'node:path'
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { StepContext } from '../action/run.ts'
import { CreatedFolders, downloadFile, formatBytes, UnknownFileError, type FetchDeps } from './download.ts'
import { listDownloads } from './list.ts'
import { newestMatch, type DownloadItem } from './match.ts'
import { shown } from '../shared/format.ts'
import { checkOverlaps, destProblem } from '../shared/dest-rules.ts'
import { archiveClaims } from '../archives/spec.ts'
import { downloadClaim, type DownloadSpec } from './spec.ts'
import { downloadsSummary, type SummaryRow } from './summary.ts'

export { parseDownloads, type DownloadSpec } from './spec.ts'

/** One object of the `downloads` output. */
export interface DownloadResult {
  repository: string
  name: string
  path: string
  sha256: string
  bytes: number
}

/** Files fetched at once: enough to hide latency, few enough for 2-core runners and Bitbucket's limits. */
export const CONCURRENCY = 4

/** Names shown when a file is not there. */
const FEW = 5

interface Resolved {
  spec: DownloadSpec
  name: string
  dest: string
}

async function pool<T>(items: T[], stop: () => boolean, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length && !stop()) {
      const i = next++
      await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane))
}

function lineError(spec: DownloadSpec, err: unknown): ActionError {
  const message = `downloads line ${spec.line}: ${errorMessage(err)}`
  if (err instanceof ActionError) return new ActionError(message, { cause: err })
  const code = (err as NodeJS.ErrnoException)?.code
  const hint =
    code === 'ENOSPC'
      ? ' The runner ran out of disk space; free some or fetch fewer files.'
      : code === 'EACCES' || code === 'EPERM'
        ? " Check the permissions of DEST's folder."
        : ''
  return new ActionError(`${message}.${hint} DEST was left as it was.`, {
    cause: err,
    detail: String((err as Error)?.stack ?? err),
  })
}

interface Failure {
  spec: DownloadSpec
  err: unknown
}

interface Done {
  result: DownloadResult
  ms: number
}

/** What the three stages share. */
interface Run {
  ctx: StepContext
  deps: FetchDeps
  failures: Failure[]
}

export async function fetchDownloads(ctx: StepContext): Promise<DownloadResult[]> {
  const { core, config } = ctx
  const specs = config.downloads
  const run: Run = {
    ctx,
    deps: {
      http: ctx.http,
      apiUrl: config.apiUrl,
      authorization: `Bearer ${ctx.accessToken}`,
      workspaceDir: config.workspace,
      info: (m) => core.info(m),
      debug: (m) => core.debug(ctx.masker.redact(m)),
    },
    failures: [],
  }
  core.info(
    `Fetching ${specs.length} file${specs.length === 1 ? '' : 's'} from Downloads sections (up to ${CONCURRENCY} at a time)`,
  )
  const resolved = await resolveAll(run, specs)
  let done: (Done | undefined)[] = []
  if (run.failures.length === 0) {
    // Every final DEST, with the archives' ones, before anything is written.
    const claims = [...archiveClaims(config.archives), ...resolved.map((r) => downloadClaim(r!.spec.line, r!.dest))]
    checkOverlaps(claims, config.workspace)
    done = await downloadAll(run, resolved as Resolved[])
  }
  const completed = done.filter((d): d is Done => d !== undefined)
  if (completed.length) {
    const rows: SummaryRow[] = completed.map((d) => ({ ...d.result, ms: d.ms }))
    await core.appendSummary(downloadsSummary(rows, config.workspace))
  }
  if (run.failures.length) throw firstFailure(run)
  return done.map((d) => d!.result)
}

/** The file of each line: its own name, or the newest match of its pattern (each repository's list read once). */
async function resolveAll(run: Run, specs: DownloadSpec[]): Promise<(Resolved | undefined)[]> {
  const lists = new Map<string, Promise<DownloadItem[]>>()
  const listOf = (spec: DownloadSpec) => {
    const key = `${spec.workspace}/${spec.repo}`.toLowerCase()
    let list = lists.get(key)
    if (!list) {
      list = listDownloads(run.deps, spec.workspace, spec.repo, { all: true })
      list.catch(() => {})
      lists.set(key, list)
    }
    return list
  }
  const resolved: (Resolved | undefined)[] = new Array(specs.length)
  await pool(
    specs,
    () => run.failures.length > 0,
    async (spec, i) => {
      try {
        resolved[i] = spec.pattern
          ? resolvePattern(run, spec, await listOf(spec))
          : { spec, name: spec.name, dest: spec.dest! }
      } catch (err) {
        run.failures.push({ spec, err })
      }
    },
  )
  return resolved
}

function resolvePattern(run: Run, spec: DownloadSpec, items: DownloadItem[]): Resolved {
  const workspace = run.ctx.config.workspace
  const match = newestMatch(spec.name, items)
  if (!match) throw noMatch(spec, items)
  const dest = spec.dest ?? path.resolve(workspace, match.name)
  if (!spec.dest) {
    const problem = unsafeName(match.name) ?? destProblem(dest, workspace, 'file')
    if (problem)
      throw new ActionError(
        `the newest file matching "${shown(spec.name)}" in ${spec.workspace}/${spec.repo} is "${shown(match.name)}", which cannot be the DEST as it is: it ${problem}. Add "-> DEST" to the line.`,
      )
  }
  run.ctx.core.info(
    `${spec.workspace}/${spec.repo}/${shown(spec.name)}: the newest match of ${items.length} file${items.length === 1 ? '' : 's'} is "${shown(match.name)}"${match.createdOn ? ` (${shown(match.createdOn)})` : ''}`,
  )
  return { spec, name: match.name, dest }
}

/** The files, up to four at a time; folders created for DESTs that stay empty are removed again. */
async function downloadAll(run: Run, resolved: Resolved[]): Promise<(Done | undefined)[]> {
  const { core, config } = run.ctx
  const done: (Done | undefined)[] = new Array(resolved.length)
  const folders = new CreatedFolders()
  try {
    await pool(
      resolved,
      () => run.failures.length > 0,
      async (r, i) => {
        const started = Date.now()
        const label = `${r.spec.workspace}/${r.spec.repo}/${shown(r.name)}`
        const rel = shown(path.relative(config.workspace, r.dest))
        const { workspace, repo, line, sha256 } = r.spec
        try {
          core.info(`${label}: downloading to ${rel}`)
          const f = await downloadFile(run.deps, { line, workspace, repo, name: r.name, dest: r.dest, sha256 }, folders)
          const ms = Date.now() - started
          core.info(`${label}: ${formatBytes(f.bytes)} into ${rel} in ${(ms / 1000).toFixed(1)} s (sha256 ${f.sha256})`)
          const result = {
            repository: `${workspace}/${repo}`,
            name: r.name,
            path: r.dest,
            sha256: f.sha256,
            bytes: f.bytes,
          }
          done[i] = { result, ms }
        } catch (err) {
          const e = err instanceof UnknownFileError ? await unknownFile(run.deps, r.spec, err) : err
          run.failures.push({ spec: r.spec, err: e })
        }
      },
    )
  } finally {
    folders.removeEmpty()
  }
  return done
}

/** The first failing line (by line number) as the step's error; the others as warnings. */
function firstFailure(run: Run): ActionError {
  const failures = [...run.failures].sort((a, b) => a.spec.line - b.spec.line)
  for (const f of failures.slice(1)) run.ctx.core.warning(lineError(f.spec, f.err).message)
  const error = lineError(failures[0]!.spec, failures[0]!.err)
  if (failures.length === 1) return error
  return new ActionError(
    `${error.message} (${failures.length - 1} more line${failures.length > 2 ? 's' : ''} failed too; see the warnings)`,
    { cause: error, detail: error.detail },
  )
}

/** Why a name from the list cannot be a file name in the workspace, or undefined. */
function unsafeName(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (name === '.' || name === '..' || /[/\\\x00-\x1f\x7f]/.test(name)) return 'is not a plain file name'
  return undefined
}

function someNames(items: DownloadItem[]): string {
  const names = items.slice(0, FEW).map((i) => `"${shown(i.name)}"`)
  return `${names.join(', ')}${items.length > FEW ? `, and ${items.length - FEW} more` : ''}`
}

function noMatch(spec: DownloadSpec, items: DownloadItem[]): ActionError {
  const full = `${spec.workspace}/${spec.repo}`
  if (items.length === 0)
    return new ActionError(
      `no file in the Downloads section of ${full} matches "${shown(spec.name)}": the section is empty.`,
    )
  return new ActionError(
    `no file in the Downloads section of ${full} matches "${shown(spec.name)}" (a "*" matches any run of characters, the rest must match exactly, case included). It has ${items.length} file${items.length === 1 ? '' : 's'}: ${someNames(items)}.`,
  )
}

/** The message for a file the API does not know: what exists instead (the first page of the list). */
async function unknownFile(deps: FetchDeps, spec: DownloadSpec, err: UnknownFileError): Promise<ActionError> {
  const full = `${spec.workspace}/${spec.repo}`
  let items: DownloadItem[]
  try {
    items = await listDownloads(deps, spec.workspace, spec.repo, { all: false })
  } catch (listErr) {
    return listErr instanceof ActionError ? listErr : err
  }
  const name = `"${shown(spec.name)}"`
  if (items.length === 0)
    return new ActionError(`${full} has no file named ${name}: its Downloads section is empty.`, { cause: err })
  const sameButCase = items.find((i) => i.name.toLowerCase() === spec.name.toLowerCase())
  const hint = sameButCase ? ` Names are case-sensitive: did you mean "${shown(sameButCase.name)}"?` : ''
  // Names that look alike first: the same but for case, then those sharing the first three characters.
  const stem = spec.name.slice(0, 3).toLowerCase()
  const similar = items.filter((i) => i.name.toLowerCase().startsWith(stem))
  const listed = [...new Set([...(sameButCase ? [sameButCase] : []), ...similar, ...items])]
  return new ActionError(
    `${full} has no file named ${name} in its Downloads section.${hint} Files there include: ${someNames(listed)}.`,
    { cause: err },
  )
}
