/**
 * Environment endpoints (access is the repository's):
 *   GET /repos/{o}/{r}/environments/{env}/secrets/public-key
 *   GET /repos/{o}/{r}/environments/{env}/secrets/{name}  metadata, never the value
 *   PUT /repos/{o}/{r}/environments/{env}/secrets/{name}  201 created, 204 updated
 */
import { sendJson } from '../http/reply.ts'
import type { RequestContext } from '../http/router.ts'
import { publicKeyJson } from './keys.ts'
import { allowed } from './permissions.ts'
import { notFound } from './replies.ts'
import { putAnswer, readPut, secretJson } from './secrets.ts'
import { SEG, type GitHubSite } from './site.ts'
import { storeSecret, type GitHubState } from './state.ts'

const ENV = `/repos/${SEG}/${SEG}/environments/${SEG}/secrets`

const findEnv = (state: GitHubState, ctx: RequestContext) =>
  state.findRepo(ctx.params[0]!, ctx.params[1]!)?.environments.get(ctx.params[2]!)

export function registerEnvironment({ router, state, path }: GitHubSite): void {
  router.add('GET', path(`${ENV}/public-key`), (req, res, ctx) => {
    const repo = state.findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(state, req, res, 'repositories', repo?.fullName, false)) return
    const env = findEnv(state, ctx)
    if (!env) return notFound(res)
    sendJson(res, 200, publicKeyJson(env.key))
  })
  router.add('GET', path(`${ENV}/${SEG}`), (req, res, ctx) => {
    const repo = state.findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(state, req, res, 'repositories', repo?.fullName, false)) return
    const name = ctx.params[3]!.toUpperCase()
    const secret = findEnv(state, ctx)?.secrets.get(name)
    if (!secret) return notFound(res)
    sendJson(res, 200, secretJson(name, secret))
  })
  router.add('PUT', path(`${ENV}/${SEG}`), (req, res, ctx) => {
    const repo = state.findRepo(ctx.params[0]!, ctx.params[1]!)
    if (!allowed(state, req, res, 'repositories', repo?.fullName, true)) return
    const env = findEnv(state, ctx)
    if (!env) return notFound(res)
    const put = readPut(res, ctx, env.key, ctx.params[3]!)
    if (!put) return
    putAnswer(res, storeSecret(env.secrets, ctx.params[3]!, { sealed: put.sealed, keyId: env.key.keyId }))
  })
}
