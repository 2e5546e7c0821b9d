/**
 * `/_emulator/*`: control from another process (the demo, the workflow job,
 * `npm run emulator`). Requests there are neither logged nor faulted.
 *
 *   POST   /_emulator/faults                 arm faults (http/control.ts)
 *   DELETE /_emulator/faults                 clear them
 *   GET    /_emulator/requests               the request log
 *   POST   /_emulator/clock                  {"advanceMs": N}: move the clock forward
 *   POST   /_emulator/options                change state options (grace, rotation, error shapes...)
 *   POST   /_emulator/consumers              a new consumer and a refresh token for it
 *   POST   /_emulator/refresh-tokens/check   {"token": "..."}: {"accepted": bool}
 *   POST   /_emulator/repositories           {"repository": "ws/repo", "tag": "v1.0.0", "branch"?}: a sample repository
 *   POST   /_emulator/git-repositories       {"repository": "ws/repo", "files"?: {path: content}}: a git repository
 */
import { registerFaultControl } from '../http/control.ts'
import { sendJson } from '../http/reply.ts'
import { sampleTree } from './archive-store.ts'
import type { Site } from './site.ts'

const json = (body: Buffer) => (body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {})

export function registerControl({ router, state, archives, git }: Site): void {
  registerFaultControl(router)
  router.add('POST', /^\/_emulator\/clock$/, (_req, res, ctx) => {
    state.advance(Number(json(ctx.body).advanceMs ?? 0))
    sendJson(res, 200, { now: new Date(state.now()).toISOString() })
  })
  router.add('POST', /^\/_emulator\/options$/, (_req, res, ctx) => {
    Object.assign(state.options, json(ctx.body))
    sendJson(res, 200, state.options)
  })
  router.add('POST', /^\/_emulator\/consumers$/, (_req, res, ctx) => {
    const consumer = state.addConsumer(json(ctx.body))
    const refresh = state.issueRefreshToken(consumer.key)
    sendJson(res, 200, { clientId: consumer.key, clientSecret: consumer.secret, refreshToken: refresh.value })
  })
  router.add('POST', /^\/_emulator\/refresh-tokens\/check$/, (_req, res, ctx) => {
    sendJson(res, 200, { accepted: state.acceptsRefreshToken(String(json(ctx.body).token ?? '')) })
  })
  router.add('POST', /^\/_emulator\/git-repositories$/, (_req, res, ctx) => {
    const body = json(ctx.body) as { repository?: string; files?: Record<string, string> }
    const [ws, repo, extra] = String(body.repository ?? '').split('/')
    if (!ws || !repo || extra !== undefined) return sendJson(res, 400, { error: 'repository must be ws/repo' })
    try {
      const commit = git.create(ws, repo, body.files ?? { 'README.md': `# ${ws}/${repo}\n` })
      sendJson(res, 200, { repository: `${ws}/${repo}`, commit })
    } catch (err) {
      sendJson(res, 400, { error: String(err) })
    }
  })
  router.add('POST', /^\/_emulator\/repositories$/, (_req, res, ctx) => {
    const body = JSON.parse(ctx.body.toString('utf8') || '{}') as { repository?: string; tag?: string; branch?: string }
    const name = body.repository ?? 'acme/shared-lib'
    if (!/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(name))
      return sendJson(res, 400, { error: 'repository must be ws/repo' })
    const tag = body.tag ?? 'v1.0.0'
    const commit = archives.addCommit(name, sampleTree(`${name}@${tag}`), {
      tags: [tag],
      branches: body.branch ? [body.branch] : [],
    })
    sendJson(res, 200, { repository: name, tag, commit, files: sampleTree(`${name}@${tag}`).files.map((f) => f.path) })
  })
}
