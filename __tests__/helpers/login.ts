/**
 * Runs the bundled `bitbucket-oauth login` (dist/cli/index.js) as a user
 * would, and plays the browser's part over plain HTTP: fetch the consent
 * page, post Grant or Deny, follow Bitbucket's redirect to the callback.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from './action.ts'

export const CLI = path.join(ROOT, 'dist/cli/index.js')

export interface LoginResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

export interface LoginRun {
  child: ChildProcess
  /** The authorize URL, once printed on stderr (rejects if the command ends first). */
  authorizeUrl: Promise<string>
  done: Promise<LoginResult>
}

/** A port free on 127.0.0.1 and ::1 right now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer()
      s.once('error', reject)
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo
        s.close(() => resolve(port))
      })
    })
    const v6free = await new Promise<boolean>((resolve) => {
      const s = net.createServer()
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'))
      s.listen(port, '::1', () => s.close(() => resolve(true)))
    })
    if (v6free) return port
  }
  throw new Error('no free port')
}

export function runLogin(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { cwd?: string; timeoutMs?: number } = {},
): LoginRun {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-login-home-'))
  const fullEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, LANG: 'C.UTF-8' }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) fullEnv[k] = v
  const started = Date.now()
  const child = spawn(process.execPath, [CLI, 'login', ...args], {
    cwd: options.cwd ?? home,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let urlResolve: (url: string) => void
  let urlReject: (err: Error) => void
  const authorizeUrl = new Promise<string>((resolve, reject) => {
    urlResolve = resolve
    urlReject = reject
  })
  authorizeUrl.catch(() => {})
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('utf8')
    const m = /^\s+(https?:\/\/\S+\/(?:site\/oauth2|rest\/oauth2\/latest)\/authorize\?\S+)$/m.exec(stderr)
    if (m) urlResolve(m[1]!)
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const done = new Promise<LoginResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      fs.rmSync(home, { recursive: true, force: true })
      urlReject(new Error(`login ended (code ${code}) before printing an authorize URL:\n${stderr}`))
      resolve({ code, stdout, stderr, ms: Date.now() - started })
    }),
  )
  return { child, authorizeUrl, done }
}

export interface Page {
  status: number
  text: string
  location: string | undefined
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Page> {
  const res = await fetch(url, { redirect: 'manual', headers })
  return { status: res.status, text: await res.text(), location: res.headers.get('location') ?? undefined }
}

/**
 * Answers the emulator's consent page as a user would: Grant or Deny.
 * Resolves with the redirect target (the command's callback URL).
 */
export async function consent(authorizeUrl: string, decision: 'grant' | 'deny'): Promise<string> {
  const page = await get(authorizeUrl)
  if (page.status !== 200) throw new Error(`consent page: HTTP ${page.status}: ${page.text}`)
  const request = /name="request" value="([^"]+)"/.exec(page.text)?.[1]
  if (!request) throw new Error(`no consent form in:\n${page.text}`)
  const action = new URL('/site/oauth2/authorize/decision', authorizeUrl)
  const res = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, decision }).toString(),
  })
  await res.text()
  const location = res.headers.get('location')
  if (res.status !== 302 || !location) throw new Error(`decision: HTTP ${res.status} without a redirect`)
  return location
}

/** The requests the emulator saw at its token endpoint. */
export function tokenRequests(requests: { method: string; path: string }[]): unknown[] {
  return requests.filter((r) => r.method === 'POST' && r.path.startsWith('/site/oauth2/access_token'))
}
