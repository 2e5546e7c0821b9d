/**
 * The Data Center emulator over HTTPS with a private CA made at test time
 * (`tls.certFile` is the CA to trust: NODE_EXTRA_CA_CERTS for the action,
 * `http.sslCAInfo` or GIT_SSL_CAINFO for git), one application link, and a
 * fresh refresh token for every run (Data Center spends a refresh token at
 * its first use).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startDataCenter, type DataCenter, type DataCenterOptions } from '../../emulator/datacenter/server.ts'
import type { Consumer } from '../../emulator/bitbucket/state.ts'
import { makeCaSignedCert } from './ca.ts'
import { findLeaks, type StepResult } from './action.ts'
import { startProxy, type TestProxy } from './proxy.ts'
import type { TestCert } from './tls.ts'

export interface DataCenterHttps {
  dc: DataCenter
  tls: TestCert
  link: Consumer
  /** The action's inputs for `baseUrl` (default `dc.url`), with a refresh token never used before. */
  inputs(baseUrl?: string): Record<string, string>
  /** No token the emulator issued, nor the client secret, appears unmasked in the step's output. */
  leaks(r: Pick<StepResult, 'stdout' | 'stderr'>): string[]
  close(): Promise<void>
}

/** `names`: host names the server certificate holds besides localhost and 127.0.0.1. */
export async function startDataCenterHttps(
  names: string[] = [],
  options: Omit<DataCenterOptions, 'tls'> = {},
): Promise<DataCenterHttps> {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-dc-cert-'))
  const tls = makeCaSignedCert(certDir, names)
  const dc = await startDataCenter({ ...options, tls })
  const link = dc.state.addApplicationLink({ scopes: ['REPO_READ'] })
  return {
    dc,
    tls,
    link,
    inputs: (baseUrl = dc.url) => ({
      'bitbucket-type': 'datacenter',
      'bitbucket-url': baseUrl,
      'client-id': link.key,
      'client-secret': link.secret,
      'refresh-token': dc.state.issueDcRefreshToken(link.key),
    }),
    leaks: (r) => {
      const secrets: Record<string, string> = { 'client-secret': link.secret }
      let i = 0
      for (const v of dc.state.refreshTokens.keys()) secrets[`refresh-${i++}`] = v
      for (const v of dc.state.accessTokens.keys()) secrets[`access-${i++}`] = v
      return findLeaks(r, secrets)
    },
    close: async () => {
      await dc.close()
      fs.rmSync(certDir, { recursive: true, force: true })
    },
  }
}

/**
 * The emulator as `https://{host}/bitbucket` (port 443, as a module path of
 * the go command needs: it never holds a port), reached through a loopback
 * CONNECT proxy that refuses every other destination, for real package
 * managers in later steps.
 */
export interface DataCenterSite extends DataCenterHttps {
  host: string
  /** `https://{host}/bitbucket`: the action's `bitbucket-url`. */
  baseUrl: string
  proxy: TestProxy
  /** Environment of the action's steps: the proxy and the CA for Node. */
  actionEnv: Record<string, string>
  /** Environment of later steps: the proxy, and the CA for git, curl, PHP, Node, Python, Ruby. */
  toolEnv: Record<string, string>
}

export async function startDataCenterSite(host = 'bitbucket.example.com'): Promise<DataCenterSite> {
  const h = await startDataCenterHttps([host])
  const proxy = await startProxy({ [`${host}:443`]: new URL(h.dc.url).host })
  const viaProxy = { HTTPS_PROXY: proxy.url, https_proxy: proxy.url, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' }
  const baseUrl = `https://${host}${new URL(h.dc.url).pathname}`
  return {
    ...h,
    host,
    baseUrl,
    proxy,
    inputs: (url = baseUrl) => h.inputs(url),
    actionEnv: { ...viaProxy, NODE_EXTRA_CA_CERTS: h.tls.certFile, BITBUCKET_OAUTH_RETRY_BASE_MS: '20' },
    toolEnv: {
      ...viaProxy,
      GIT_SSL_CAINFO: h.tls.certFile,
      SSL_CERT_FILE: h.tls.certFile,
      NODE_EXTRA_CA_CERTS: h.tls.certFile,
      REQUESTS_CA_BUNDLE: h.tls.certFile,
    },
    close: async () => {
      await proxy.close()
      await h.close()
    },
  }
}
