/** Writes a GitHub Actions secret (repository, environment or organization). */
import { ActionError } from './errors.ts'
import type { HttpClient } from './http.ts'
import type { SecretTarget } from './inputs.ts'

export async function saveSecret(_http: HttpClient, _target: SecretTarget, _value: string, _debug: (m: string) => void): Promise<void> {
  throw new ActionError('Saving the refresh token to a GitHub secret is not implemented yet.')
}
