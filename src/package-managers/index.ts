/**
 * `package-managers`: later steps' package managers fetch private
 * dependencies from the scheme, host and port of `bitbucket-url` with the
 * access token, each keyed the way that tool looks credentials up (one module
 * per tool). Runs after the git credentials, which every one of them relies on
 * for what it clones with git.
 *
 * Files go under RUNNER_TEMP only (0600, a fresh name per use) and are
 * recorded in the state before they are written, for the post step
 * (cleanup.ts). Variables are exported for later steps with
 * `core.exportVariable`; the token in them is masked first.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { StepContext } from '../action/run.ts'
import { ActionError } from '../shared/errors.ts'
import { isInside, writeSecretFile } from '../shared/fs-safe.ts'
import { BUNDLER_NOTE } from './bundler.ts'
import { cargoVariables } from './cargo.ts'
import { composerAuth, composerAuthKey, readComposerAuth } from './composer.ts'
import { goEnvFile, goNotes, goVariables, readGoEnvFile } from './go.ts'
import { npmAuthKey, npmrcContent, npmUserConfig, readNpmUserConfig } from './npm.ts'
import { PIP_NOTE } from './pip.ts'
import { poetryVariables } from './poetry.ts'
import { PACKAGE_MANAGERS_STATE_KEY, serializePackageManagersState, type PackageManagersState } from './state.ts'
import type { PackageManager } from './names.ts'

export { PACKAGE_MANAGERS, parsePackageManagers, type PackageManager } from './names.ts'

export interface PackageManagerDeps {
  /** The environment of this step: what the user (or setup-* actions) configured before. */
  env: NodeJS.ProcessEnv
  home: string
  platform: NodeJS.Platform
  newId(): string
}

export async function setupPackageManagers(ctx: StepContext): Promise<void> {
  configurePackageManagers(ctx, {
    env: ctx.env,
    home: ctx.env.HOME || os.homedir(),
    platform: process.platform,
    newId: randomUUID,
  })
}

/** What each tool's set-up receives. */
interface ToolSetup {
  ctx: StepContext
  deps: PackageManagerDeps
  state: PackageManagersState
  site: URL
  token: string
  exportVariables(vars: Record<string, string>): void
}

const describe = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')

const SETUP: Record<PackageManager, (t: ToolSetup) => void> = {
  npm: setupNpm,
  pip: ({ ctx }) => ctx.core.info(`pip: ${PIP_NOTE}.`),
  go: ({ ctx, deps, site, exportVariables }) => {
    const vars = goVariables(site, deps.env, readGoEnvFile(goEnvFile(deps.env, deps.home, deps.platform)))
    exportVariables(vars)
    const notes = goNotes(site, ctx.config.provider.packageManagers.goModuleHint)
    ctx.core.info(
      `go: ${describe(vars)} (modules under ${site.hostname} are fetched with git, past the public proxy and checksum database).${notes.info}`,
    )
    if (notes.warning) ctx.core.warning(notes.warning)
  },
  cargo: ({ ctx, exportVariables }) => {
    const vars = cargoVariables()
    exportVariables(vars)
    ctx.core.info(`cargo: ${describe(vars)} (git dependencies are fetched with git, which has the credential).`)
  },
  composer: ({ ctx, deps, site, token, exportVariables }) => {
    // The value holds the token, which is masked, so the runner masks it inside the value too; the rest of
    // the value is the user's own, as they passed it in.
    const form = ctx.config.provider.packageManagers.composerAuth
    exportVariables({ COMPOSER_AUTH: composerAuth(readComposerAuth(deps.env), site, token, form) })
    ctx.core.info(
      form === 'bearer'
        ? `composer: COMPOSER_AUTH (masked) has a bearer entry for "${composerAuthKey(site)}" with the token, besides the entries it had.`
        : `composer: COMPOSER_AUTH (masked) has http-basic for "${composerAuthKey(site)}" with the user x-token-auth and the token, besides the entries it had.`,
    )
  },
  bundler: ({ ctx }) => ctx.core.info(`bundler: ${BUNDLER_NOTE}.`),
  poetry: ({ ctx, exportVariables }) => {
    const vars = poetryVariables()
    exportVariables(vars)
    ctx.core.info(`poetry: ${describe(vars)} (git dependencies are cloned with git, which has the credential).`)
  },
}

export function configurePackageManagers(ctx: StepContext, deps: PackageManagerDeps): void {
  ctx.masker.add(ctx.accessToken)
  const setup: ToolSetup = {
    ctx,
    deps,
    state: { version: 1, files: [] },
    site: ctx.config.bitbucketUrl,
    token: ctx.accessToken,
    exportVariables: (vars) => {
      for (const [name, value] of Object.entries(vars)) ctx.core.exportVariable(name, value)
    },
  }
  for (const name of ctx.config.packageManagers) SETUP[name](setup)
}

/** npm: a user configuration under RUNNER_TEMP with the site's token first, then the user's own lines. */
function setupNpm({ ctx, deps, state, site, token, exportVariables }: ToolSetup): void {
  const { core, config } = ctx
  if (isInside(config.runnerTemp, config.workspace)) {
    throw new ActionError(
      `RUNNER_TEMP (${config.runnerTemp}) lies inside the workspace (${config.workspace}), so the npm configuration with the token would land in the workspace. Point RUNNER_TEMP outside GITHUB_WORKSPACE, or drop npm from \`package-managers\`.`,
    )
  }
  const user = npmUserConfig(deps.env, deps.home, config.workspace)
  const content = npmrcContent({ file: user.file, content: readNpmUserConfig(user.file) }, site, token)
  fs.mkdirSync(config.runnerTemp, { recursive: true })
  const file = path.join(config.runnerTemp, `bitbucket-oauth-npm-${deps.newId()}.npmrc`)
  state.files.push(file)
  // Saved before the file exists: if this step dies half-way, the post step still deletes it.
  core.saveState(PACKAGE_MANAGERS_STATE_KEY, serializePackageManagersState(state))
  try {
    writeSecretFile(file, content)
  } catch (err) {
    throw new ActionError(
      `Could not create the npm configuration in RUNNER_TEMP (${config.runnerTemp}): ${(err as Error).message}. Check that RUNNER_TEMP is a writable directory.`,
    )
  }
  core.debug(`package-managers: wrote ${file} (mode 0600)`)
  const variables = [...new Set(['NPM_CONFIG_USERCONFIG', ...user.variables])]
  exportVariables(Object.fromEntries(variables.map((v) => [v, file])))
  core.info(
    `npm: later steps read ${file} as their user configuration (${variables.join(', ')}): the token for ${npmAuthKey(site).replace(/:_authToken$/, '')}, then the lines of ${user.file}${fs.existsSync(user.file) ? '' : ' (none: it does not exist)'}. Run actions/setup-node before this step, not after.`,
  )
}
