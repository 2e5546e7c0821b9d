/** An emulator with one consumer and a fresh refresh token, and the inputs that point the action at it. */
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/bitbucket/server.ts'
import type { Consumer } from '../../emulator/bitbucket/state.ts'

export interface Fixture {
  emu: Emulator
  consumer: Consumer
  refreshToken: string
  /** Inputs for the action: client, URLs and the refresh token. */
  inputs: Record<string, string>
}

export async function startFixture(options: EmulatorOptions = {}, consumer: Partial<Consumer> = {}): Promise<Fixture> {
  const emu = await startEmulator(options)
  const c = emu.state.addConsumer(consumer)
  const refreshToken = emu.state.issueRefreshToken(c.key).value
  return {
    emu,
    consumer: c,
    refreshToken,
    inputs: {
      'client-id': c.key,
      'client-secret': c.secret,
      'refresh-token': refreshToken,
      'bitbucket-url': emu.url,
      'api-url': emu.apiUrl,
    },
  }
}

/** Env that makes retries and timeouts fast enough for tests. */
export const FAST_RETRY = {
  BITBUCKET_OAUTH_RETRY_BASE_MS: '20',
} as const

/** Every secret the fixture knows of: the client secret (raw and as Basic credentials) and every token the emulator ever issued. */
export function allSecrets(fx: Fixture): Record<string, string> {
  const out: Record<string, string> = {
    'client-secret': fx.consumer.secret,
    'basic-credentials': Buffer.from(`${fx.consumer.key}:${fx.consumer.secret}`).toString('base64'),
  }
  let i = 0
  for (const value of fx.emu.state.refreshTokens.keys()) out[`refresh-token-${i++}`] = value
  i = 0
  for (const value of fx.emu.state.accessTokens.keys()) out[`access-token-${i++}`] = value
  return out
}
