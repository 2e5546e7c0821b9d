/**
 * The `package-managers` input: the tools that later steps use to fetch
 * private dependencies from `bitbucket-url`. Read and checked with every other
 * input, before any request (an existing `COMPOSER_AUTH` too, since the action
 * must extend it).
 */
import { ActionError } from '../shared/errors.ts'
import { readComposerAuth } from './composer.ts'

export const PACKAGE_MANAGERS = ['npm', 'pip', 'go', 'cargo', 'composer', 'bundler', 'poetry'] as const
export type PackageManager = (typeof PACKAGE_MANAGERS)[number]

const isKnown = (name: string): name is PackageManager => (PACKAGE_MANAGERS as readonly string[]).includes(name)

/** The names of the input (case-insensitive, separated by spaces or commas), once each, in a fixed order. */
export function parsePackageManagers(value: string, env: NodeJS.ProcessEnv): PackageManager[] {
  const words = value.split(/[\s,]+/).filter(Boolean)
  const unknown = words.filter((w) => !isKnown(w.toLowerCase()))
  if (unknown.length) {
    throw new ActionError(
      `Input \`package-managers\`: ${unknown.map((w) => `"${w}"`).join(', ')} ${unknown.length > 1 ? 'are not package managers' : 'is not a package manager'} the action knows. Use any of ${PACKAGE_MANAGERS.join(', ')}, separated by spaces or commas.`,
    )
  }
  const names = new Set(words.map((w) => w.toLowerCase()))
  const chosen = PACKAGE_MANAGERS.filter((n) => names.has(n))
  if (chosen.includes('composer')) readComposerAuth(env)
  return chosen
}
