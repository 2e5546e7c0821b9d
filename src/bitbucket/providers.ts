/** The providers by `bitbucket-type`, and the parsing of that field. */
import { ActionError } from '../shared/errors.ts'
import type { Field } from '../shared/wording.ts'
import { CLOUD } from './cloud/provider.ts'
import { DATACENTER } from './datacenter/provider.ts'
import type { BitbucketType, Provider } from './provider.ts'

export type Providers = Record<BitbucketType, Provider>

export const PROVIDERS: Providers = { cloud: CLOUD, datacenter: DATACENTER }

/** `cloud` (also when empty) or `datacenter`, case-insensitive; anything else is an error naming `field`. */
export function parseBitbucketType(value: string, field: Field): BitbucketType {
  const v = value.trim().toLowerCase()
  if (v === '' || v === 'cloud') return 'cloud'
  if (v === 'datacenter') return 'datacenter'
  throw new ActionError(
    `${field.kind ? `${field.kind.charAt(0).toUpperCase()}${field.kind.slice(1)} ` : ''}${field.name} must be \`cloud\` (bitbucket.org) or \`datacenter\` (a self-hosted Bitbucket Data Center), got "${value}".`,
  )
}
