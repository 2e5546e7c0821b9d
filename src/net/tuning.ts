/**
 * The HTTP client's settings from the environment: the proxy variables
 * (proxy.ts), and timeouts and retry delays for tests and unusual networks.
 * Unset, the defaults of http.ts and retry.ts apply.
 *
 *   BITBUCKET_OAUTH_HTTP_TIMEOUT_MS   connect, headers and body-silence timeouts
 *   BITBUCKET_OAUTH_HTTP_DEADLINE_MS  one request, all its attempts included
 *   BITBUCKET_OAUTH_RETRY_BASE_MS     first backoff (doubles each retry)
 *   BITBUCKET_OAUTH_RETRY_AFTER_MAX_MS longest Retry-After honoured
 */
import type { HttpClientDeps } from './http.ts'
import { proxyFromEnv } from './proxy.ts'

function ms(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

/** Never throws: a malformed proxy variable fails the client's first request instead (proxy.ts). */
export function tuningFromEnv(env: NodeJS.ProcessEnv): Pick<HttpClientDeps, 'timeouts' | 'retry' | 'proxy'> {
  const timeout = ms(env, 'BITBUCKET_OAUTH_HTTP_TIMEOUT_MS')
  const deadline = ms(env, 'BITBUCKET_OAUTH_HTTP_DEADLINE_MS')
  const base = ms(env, 'BITBUCKET_OAUTH_RETRY_BASE_MS')
  const retryAfterMax = ms(env, 'BITBUCKET_OAUTH_RETRY_AFTER_MAX_MS')
  const timeouts: HttpClientDeps['timeouts'] = {}
  if (timeout !== undefined) Object.assign(timeouts, { connectMs: timeout, headersMs: timeout, bodyMs: timeout })
  if (deadline !== undefined) timeouts.deadlineMs = deadline
  const retry: HttpClientDeps['retry'] = {}
  if (base !== undefined) Object.assign(retry, { baseDelayMs: base, maxDelayMs: Math.max(base * 8, 1) })
  if (retryAfterMax !== undefined) retry.maxRetryAfterMs = retryAfterMax
  return { timeouts, retry, proxy: proxyFromEnv(env) }
}
