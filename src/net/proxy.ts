/**
 * The proxy settings of the HTTP client, from the environment it is given:
 * `https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY` and
 * `no_proxy`/`NO_PROXY` (the lower-case name first, as curl and undici read
 * them). A value that is not an http(s) URL becomes one clear error that
 * never shows the value: it may hold a password.
 */
import { ActionError } from '../shared/errors.ts'

export interface ProxySettings {
  httpProxy: string
  httpsProxy: string
  noProxy: string
}

/** The settings, or the error that every request of the client fails with. */
export type ProxyConfig = ProxySettings | { invalid: ActionError }

function pick(env: NodeJS.ProcessEnv, upper: string): { name: string; value: string } {
  const lower = upper.toLowerCase()
  const value = env[lower] ?? env[upper]
  return { name: env[lower] !== undefined ? lower : upper, value: value ?? '' }
}

const FORM =
  'Write it as http://[user:password@]host:port, with reserved characters of the user name and password percent-encoded (# as %23, @ as %40, : as %3A, / as %2F), or unset it.'

/** Throws an ActionError naming the variable (never its value) unless it is empty or an http(s) URL. */
function checkProxyUrl(name: string, value: string): void {
  if (value === '') return
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ActionError(
      `The proxy variable ${name} is not a valid URL (its value is not shown: it may hold a password). ${FORM}`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ActionError(
      `The proxy variable ${name} names a ${url.protocol.slice(0, -1)}:// proxy; only http:// and https:// proxies are supported. ${FORM}`,
    )
  }
}

/** The proxy settings of `env`, checked; never throws. */
export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxyConfig {
  const https = pick(env, 'HTTPS_PROXY')
  const http = pick(env, 'HTTP_PROXY')
  try {
    checkProxyUrl(https.name, https.value)
    checkProxyUrl(http.name, http.value)
  } catch (err) {
    return { invalid: err as ActionError }
  }
  return { httpsProxy: https.value, httpProxy: http.value, noProxy: pick(env, 'NO_PROXY').value }
}
