/** URL rules of the HTTP client: https only (plain http to loopback hosts), joining below a base, and URLs fit for logs. */
import { ActionError } from '../shared/errors.ts'

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname)
}

/** Throws unless the URL is https, or http to a loopback host. */
export function assertSecureUrl(url: URL, what: string): void {
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return
  if (url.protocol === 'http:') {
    throw new ActionError(
      `Refusing plain http:// for ${what} (${url.host}): tokens would cross the network unencrypted. Use an https:// URL (plain http is accepted only for loopback hosts).`,
    )
  }
  throw new ActionError(`${what} must be an https:// URL, got "${url.protocol}" (${url.host}).`)
}

/** `base` joined with a path below it (keeps a base path such as `/2.0`). */
export function joinUrl(base: URL, suffix: string): URL {
  return new URL(base.href.replace(/\/+$/, '') + '/' + suffix.replace(/^\/+/, ''))
}

/** A URL for logs: no query string, no user info. */
export function redactUrl(input: string | URL): string {
  const url = new URL(input)
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`
}
