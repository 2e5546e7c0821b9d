/** Where a GitHub Actions secret is written, and the one way messages describe it. */

export interface SecretTarget {
  name: string
  /** `owner/repo`; set unless the secret is an organization secret. */
  repository: string | undefined
  environment: string | undefined
  organization: string | undefined
  githubToken: string
  /** The REST API root, e.g. https://api.github.com or https://ghes.example/api/v3. */
  githubApiUrl: URL
}

/** Where the secret lives: `repository o/r`, `environment prod of repository o/r`, `organization o`. */
export function secretPlace(target: SecretTarget): string {
  if (target.organization) return `organization ${target.organization}`
  if (target.environment) return `environment ${target.environment} of repository ${target.repository}`
  return `repository ${target.repository}`
}

/** The secret and where it lives, after "secret": `BB of repository o/r`. */
export function describeSecretTarget(target: SecretTarget): string {
  return `${target.name} of ${secretPlace(target)}`
}
