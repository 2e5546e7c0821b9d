/** A throwaway self-signed certificate for 127.0.0.1, localhost and `names` (host names or IP addresses; made with the system openssl). */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export interface TestCert {
  key: Buffer
  cert: Buffer
  /** PEM file to hand to NODE_EXTRA_CA_CERTS. */
  certFile: string
}

export function makeCert(dir: string, names: string[] = []): TestCert {
  const keyFile = path.join(dir, 'key.pem')
  const certFile = path.join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      `subjectAltName=${['DNS:localhost', 'IP:127.0.0.1', ...names.map((n) => (net.isIP(n) ? `IP:${n}` : `DNS:${n}`))].join(',')}`,
    ],
    { stdio: 'ignore' },
  )
  return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), certFile }
}
