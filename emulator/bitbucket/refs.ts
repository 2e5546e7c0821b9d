/**
 * The repository endpoints of the REST API, as the action's ref resolution
 * uses them: `GET /2.0/repositories/{ws}/{repo}`, `.../refs/tags/{name}`,
 * `.../refs/branches/{name}` and `.../commit/{hash}`. Each needs a Bearer
 * token (401), one of the `repository` scopes (403) and read access to the
 * repository (404, the same answer as for a repository that does not exist).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Fault } from '../http/faults.ts'
import { sendJson } from '../http/reply.ts'
import { requireBearer } from './api.ts'
import { canRead, hasRepositoryScope, type ArchiveStore, type Repository } from './archive-store.ts'
import type { Site } from './site.ts'
import type { EmulatorState } from './state.ts'

const NO_ACCESS =
  'You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.'

const REPO = '\\/2\\.0\\/repositories\\/([^/]+)\\/([^/]+)'

function notFound(res: ServerResponse, message: string, fault?: Fault): void {
  sendJson(res, 404, { type: 'error', error: { message } }, fault)
}

/** Bearer + scope + access, or an answer (401/403/404) and undefined. */
function readableRepository(
  state: EmulatorState,
  store: ArchiveStore,
  req: IncomingMessage,
  res: ServerResponse,
  [ws, slug]: string[],
  fault?: Fault,
): Repository | undefined {
  const token = requireBearer(state, req, res, fault)
  if (!token) return undefined
  if (!hasRepositoryScope(token)) {
    sendJson(
      res,
      403,
      {
        type: 'error',
        error: {
          message: 'Your credentials lack one or more required privilege scopes.',
          detail: { granted: token.scopes, required: ['repository'] },
        },
      },
      fault,
    )
    return undefined
  }
  const repo = store.repositories.get(`${ws}/${slug}`.toLowerCase())
  if (!canRead(repo, token)) {
    notFound(res, NO_ACCESS, fault)
    return undefined
  }
  return repo
}

export function registerRefs({ router, state, archives: store }: Site): void {
  router.add('GET', new RegExp(`^${REPO}$`), (req, res, ctx) => {
    const repo = readableRepository(state, store, req, res, ctx.params, ctx.fault)
    if (!repo) return
    sendJson(
      res,
      200,
      { type: 'repository', full_name: `${repo.workspace}/${repo.slug}`, slug: repo.slug, is_private: true },
      ctx.fault,
    )
  })
  for (const kind of ['tags', 'branches'] as const) {
    router.add('GET', new RegExp(`^${REPO}\\/refs\\/${kind}\\/(.+)$`), (req, res, ctx) => {
      const repo = readableRepository(state, store, req, res, ctx.params, ctx.fault)
      if (!repo) return
      const name = ctx.params[2]!
      const hash = repo[kind].get(name)
      if (!hash) return notFound(res, `${kind === 'tags' ? 'Tag' : 'Branch'} "${name}" not found`, ctx.fault)
      sendJson(
        res,
        200,
        { type: kind === 'tags' ? 'tag' : 'branch', name, target: { type: 'commit', hash } },
        ctx.fault,
      )
    })
  }
  router.add('GET', new RegExp(`^${REPO}\\/commit\\/([^/]+)$`), (req, res, ctx) => {
    const repo = readableRepository(state, store, req, res, ctx.params, ctx.fault)
    if (!repo) return
    const ref = ctx.params[2]!
    // Only a full hash or a prefix of at least 7 hex digits resolves here: what Bitbucket does with a
    // tag or branch name at this endpoint is not relied upon.
    const commit = /^[0-9a-f]{7,40}$/.test(ref) ? store.resolve(repo, ref) : undefined
    if (!commit) return notFound(res, `Commit not found`, ctx.fault)
    sendJson(res, 200, { type: 'commit', hash: commit.hash }, ctx.fault)
  })
}
