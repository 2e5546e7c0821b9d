/**
 * A second loopback server (another origin) serving the archives of a store
 * like Bitbucket's signed download URLs: the site's archive route redirects
 * there when a repository has `redirectTo` (archives.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listen } from '../http/listen.ts'
import { send } from '../http/reply.ts'
import type { ArchiveStore } from './archive-store.ts'
import { serveArchive } from './archives.ts'

export interface Mirror {
  url: string
  /** Requests it received: path and whether an Authorization header came with it. */
  requests: { path: string; authorization: boolean }[]
  close(): Promise<void>
}

/**
 * A second loopback server (another origin) serving the archives of `store`
 * at `/signed/{ws}/{repo}/{hash}.tar.gz`, like a signed download URL: it
 * needs no credentials and refuses a forwarded `Authorization` header (400).
 */
export async function startMirror(store: ArchiveStore): Promise<Mirror> {
  const requests: Mirror['requests'] = []
  const { origin, close } = await listen((req, res) => serveSigned(store, requests, req, res))
  return { url: origin, requests, close }
}

function serveSigned(
  store: ArchiveStore,
  requests: Mirror['requests'],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const url = new URL(req.url ?? '/', 'http://mirror')
  requests.push({ path: url.pathname, authorization: req.headers.authorization !== undefined })
  const m = /^\/signed\/([^/]+)\/([^/]+)\/([0-9a-f]{40})\.tar\.gz$/.exec(url.pathname)
  if (req.headers.authorization) {
    send(
      res,
      400,
      { 'content-type': 'application/xml' },
      '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>',
    )
    return
  }
  const repo = m ? store.repositories.get(`${m[1]}/${m[2]}`.toLowerCase()) : undefined
  const commit = repo?.commits.get(m![3]!)
  if (!commit) {
    send(res, 404, { 'content-type': 'text/plain' }, 'not found')
    return
  }
  serveArchive(store, `${m![1]}/${m![2]}`, commit, res, undefined)
}
