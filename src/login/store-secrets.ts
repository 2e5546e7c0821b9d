/**
 * `--secret` (and `--store-consumer`): writes the refresh token, then the
 * consumer's Key and Secret, as GitHub secrets of one repository,
 * environment or organization, in that order. A failure says which secrets
 * were stored and which were not, and how to finish by hand.
 */
import { ActionError, errorMessage } from '../shared/errors.ts'
import type { HttpClient } from '../net/http.ts'
import { describeSecretTarget, secretPlace, type SecretTarget } from '../github/secret-target.ts'
import type { GitHubWording, SaveSecret } from '../github/secrets.ts'
import type { CredentialWording } from '../bitbucket/provider.ts'
import type { ConsumerSecretNames } from './args.ts'

/** What `--secret` stores and how GitHub's refusals name the token. */
export interface SecretPlan {
  /** The refresh token's secret; the consumer's go to the same place. */
  target: SecretTarget
  consumer: ConsumerSecretNames | undefined
  wording: GitHubWording
  /** What the provider calls the client's id and secret ("the consumer's Key"), for messages. */
  credentials: CredentialWording
}

export interface StoreDeps {
  http: HttpClient
  saveSecret: SaveSecret
  debug(message: string): void
}

interface Item {
  name: string
  /** What it holds, for messages: "the refresh token". */
  what: string
  value: string
}

/** The secrets of a plan, in the order they are written. */
export function planItems(plan: SecretPlan, values: { refreshToken: string; clientId: string; clientSecret: string }) {
  const items: Item[] = [{ name: plan.target.name, what: 'the refresh token', value: values.refreshToken }]
  if (plan.consumer) {
    const { owned, id, secret } = plan.credentials
    items.push({ name: plan.consumer.clientId, what: owned(id), value: values.clientId })
    items.push({ name: plan.consumer.clientSecret, what: owned(secret), value: values.clientSecret })
  }
  return items
}

/** `gh secret set NAME` with the options that place it, for storing a secret by hand. */
export function ghSecretSet(target: SecretTarget, name: string): string {
  if (target.organization) return `gh secret set ${name} --org ${target.organization}`
  const env = target.environment ? ` --env ${JSON.stringify(target.environment)}` : ''
  return `gh secret set ${name} --repo ${target.repository}${env}`
}

export async function storeSecrets(
  plan: SecretPlan,
  values: { refreshToken: string; clientId: string; clientSecret: string },
  deps: StoreDeps,
): Promise<void> {
  const items = planItems(plan, values)
  for (const [i, item] of items.entries()) {
    const target = { ...plan.target, name: item.name }
    try {
      await deps.saveSecret(deps.http, target, item.value, deps.debug, plan.wording)
    } catch (err) {
      throw new ActionError(failureMessage(plan, items, i, err), { cause: err })
    }
  }
}

function failureMessage(plan: SecretPlan, items: Item[], failed: number, err: unknown): string {
  const item = items[failed]!
  const place = secretPlace(plan.target)
  if (failed === 0) {
    const also = items.length > 1 ? ` Not stored either: ${names(items.slice(1))}.` : ''
    return `Got a refresh token, but could not store it as secret ${describeSecretTarget(plan.target)}: ${errorMessage(err)}${also} The token was not printed; fix that and run bitbucket-oauth login again.`
  }
  const stored = items.slice(0, failed)
  const missing = items.slice(failed)
  const storedText = stored.map((s) => `${s.what} as secret ${s.name}`).join(' and ')
  const byHand = missing.map((m) => `\`${ghSecretSet(plan.target, m.name)}\``).join(', ')
  return `Stored ${storedText} of ${place}, but could not store ${item.what} as secret ${item.name}: ${errorMessage(err)} Not stored: ${names(missing)}. Fix that and run bitbucket-oauth login --store-consumer again, or store ${missing.length > 1 ? 'them' : 'it'} yourself: ${byHand} (gh asks for the value).`
}

function names(items: Item[]): string {
  return items.map((i) => `${i.name} (${i.what})`).join(', ')
}
