/**
 * Runs the emulator on its own: `node emulator/cli.ts [--port N] [--host H]`.
 * Prints one JSON line {url, apiUrl, clientId, clientSecret, refreshToken} for
 * a fresh consumer, then serves until interrupted. Control it through
 * `/_emulator/*` (faults, clock, requests, consumers, repositories; the list
 * is in bitbucket/control.ts).
 */
import { parseArgs } from 'node:util'
import { startEmulator } from './bitbucket/server.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'grace-seconds': { type: 'string' },
  },
})
const emulator = await startEmulator({
  port: Number(values.port),
  host: values.host,
  ...(values['grace-seconds'] ? { graceMs: Number(values['grace-seconds']) * 1000 } : {}),
})
const consumer = emulator.state.addConsumer()
const refresh = emulator.state.issueRefreshToken(consumer.key)
process.stdout.write(
  JSON.stringify({
    url: emulator.url,
    apiUrl: emulator.apiUrl,
    clientId: consumer.key,
    clientSecret: consumer.secret,
    refreshToken: refresh.value,
  }) + '\n',
)
const stop = () => void emulator.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
