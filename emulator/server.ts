/**
 * The Bitbucket emulator: a real HTTP(S) server on loopback that behaves as
 * shared/bitbucket.md says. Site and REST API share one origin: the site root
 * is `url`, the API root `${url}/2.0`. Each concern registers its routes.
 */
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { Faults } from './faults.ts'
import { registerOAuth, type GrantHandler } from './oauth.ts'
import { Router, sendJson } from './router.ts'
import { EmulatorState, type StateOptions } from './state.ts'
import { registerApi } from './api.ts'
import { registerAuthorize } from './authorize.ts'
import { registerGit, type GitRepos } from './git.ts'
import { registerArchives } from './archives.ts'
import { registerPackageManagerRoutes } from './package-managers.ts'

export interface EmulatorOptions extends Partial<StateOptions> {
  port?: number
  host?: string
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer }
}

export interface Emulator {
  /** Site root, e.g. http://127.0.0.1:PORT */
  url: string
  /** REST API root: `${url}/2.0` */
  apiUrl: string
  state: EmulatorState
  router: Router
  faults: Faults
  /** Extra OAuth grants (authorization_code) by grant_type. */
  grants: Map<string, GrantHandler>
  /** Repositories served over git's smart HTTP protocol (`git.create(ws, repo, files)`). */
  git: GitRepos
  close(): Promise<void>
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState(options)
  const faults = new Faults()
  const router = new Router(faults)
  const grants = new Map<string, GrantHandler>()
  registerAdmin(router, state)
  registerOAuth(router, state, grants)
  registerApi(router, state)
  registerAuthorize(router, state, grants)
  const git = registerGit(router, state)
  registerPackageManagerRoutes(router, state, git) // before the archives' routes, for repositories served over git
  registerArchives(router, state, git)

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void router.handle(req, res)
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener)
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const hostPart = host.includes(':') ? `[${host}]` : host
  const url = `${options.tls ? 'https' : 'http'}://${hostPart}:${port}`
  return {
    url,
    apiUrl: `${url}/2.0`,
    state,
    router,
    faults,
    grants,
    git,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }).finally(() => git.dispose()),
  }
}

/** `/_emulator/*`: control from another process (the demo, the workflow job). */
function registerAdmin(router: Router, state: EmulatorState): void {
  const json = (body: Buffer) => (body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {})
  router.add('POST', /^\/_emulator\/faults$/, (_req, res, ctx) => {
    const value = JSON.parse(ctx.body.toString('utf8')) as unknown
    const list = Array.isArray(value) ? value : [value]
    router.faults.add(...list.map((f) => Faults.fromJson(f as Record<string, unknown>)))
    sendJson(res, 200, { armed: list.length })
  })
  router.add('DELETE', /^\/_emulator\/faults$/, (_req, res) => {
    router.faults.clear()
    sendJson(res, 200, {})
  })
  router.add('GET', /^\/_emulator\/requests$/, (_req, res) => sendJson(res, 200, router.requests))
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
}
