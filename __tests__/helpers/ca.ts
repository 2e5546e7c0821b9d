/**
 * A throwaway certificate authority and a server certificate it signed, for
 * clients that refuse a self-signed certificate used as its own CA (rustls,
 * e.g. pnpm's Rust core, rejects that as `CaUsedAsEndEntity`). Made with the
 * system openssl; `certFile` is the CA to trust.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { TestCert } from './tls.ts'

export function makeCaSignedCert(dir: string, names: string[]): TestCert {
  const f = (name: string) => path.join(dir, name)
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca-key.pem'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=bitbucket-oauth-action test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  openssl(['req', ...ec, '-keyout', f('key.pem'), '-out', f('server.csr'), '-subj', `/CN=${names[0] ?? 'localhost'}`])
  fs.writeFileSync(
    f('server.ext'),
    [
      `subjectAltName=${['DNS:localhost', 'IP:127.0.0.1', ...names.map((n) => `DNS:${n}`)].join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n') + '\n',
  )
  openssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca-key.pem'),
    '-CAcreateserial',
    '-out',
    f('cert.pem'),
    '-days',
    '2',
    '-extfile',
    f('server.ext'),
  ])
  return { key: fs.readFileSync(f('key.pem')), cert: fs.readFileSync(f('cert.pem')), certFile: f('ca.pem') }
}
