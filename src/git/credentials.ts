/**
 * `git-credentials: true`: later steps' git authenticates with the access
 * token to the provider's URL (Cloud: the scheme, host and port of
 * `bitbucket-url`, as `x-token-auth`; Data Center: `{bitbucket-url}/scm/`,
 * with a Bearer header) and nothing else.
 *
 * The credential is an `http.<url>.extraheader` header in a file of
 * its own under RUNNER_TEMP (0600, a fresh name per use), which the global git
 * configuration pulls in with one `include.path` line. Git is only ever given
 * that file's path; the secret goes from Node straight into the file. The
 * state records exactly what was added, for the post step (cleanup.ts).
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { GitNotFoundError, describeGitFailure, gitRunner, type GitRunner } from './runner.ts'
import { GIT_STATE_KEY, serializeGitState, type GitCredentialsState } from './state.ts'
import type { StepContext } from '../action/run.ts'
import { isInside, realPath, writeSecretFile } from '../shared/fs-safe.ts'
import type { GitCredential } from '../bitbucket/provider.ts'

export interface GitAuthDeps {
  git: GitRunner
  /** Environment of the git calls (HOME, XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL decide the global config file). */
  env: NodeJS.ProcessEnv
  newId(): string
}

export async function setupGitCredentials(ctx: StepContext): Promise<void> {
  await configureGitCredentials(ctx, { git: gitRunner(ctx.env), env: ctx.env, newId: randomUUID })
}

/** The content of the credential file: the provider's header for its URL, and its rewrites. */
export function credentialConfig(credential: GitCredential): string {
  const lines = [
    '# Written by bitbucket-oauth-action (git-credentials: true); its post step deletes this file.',
    `[http "${credential.url}"]`,
    // The empty value resets the headers collected so far for this site, so that an
    // earlier use of the action in the same job does not add a second Authorization header.
    '\textraheader =',
    `\textraheader = ${credential.header}`,
  ]
  if (credential.rewrites) {
    lines.push(`[url "${credential.rewrites.base}"]`, ...credential.rewrites.insteadOf.map((u) => `\tinsteadOf = ${u}`))
  }
  return lines.join('\n') + '\n'
}

/** The files `git config --global` may write to, in the order git considers them. */
export function globalConfigCandidates(env: NodeJS.ProcessEnv): string[] {
  if (env.GIT_CONFIG_GLOBAL) return [path.resolve(env.GIT_CONFIG_GLOBAL)]
  const home = env.HOME || os.homedir()
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config')
  return [path.join(home, '.gitconfig'), path.join(xdg, 'git', 'config')]
}

/** The config file that holds `include.path = file` in the global scope, from git itself. */
async function findIncludingFile(git: GitRunner, file: string): Promise<string | undefined> {
  const result = await git(['config', '--global', '--null', '--show-origin', '--get-all', 'include.path'])
  if (result.code !== 0) return undefined
  const fields = result.stdout.split('\0')
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i + 1] === file && fields[i]!.startsWith('file:')) return path.resolve(fields[i]!.slice('file:'.length))
  }
  return undefined
}

/** `include.path = file` in the global git configuration. */
async function addInclude(git: GitRunner, file: string): Promise<void> {
  const args = ['config', '--global', '--add', 'include.path', file]
  let result
  try {
    result = await git(args)
  } catch (err) {
    if (err instanceof GitNotFoundError) {
      throw new ActionError(
        '`git-credentials: true` needs git on PATH, and none was found. Install git in an earlier step, or drop `git-credentials`.',
      )
    }
    throw err
  }
  if (result.code !== 0) {
    throw new ActionError(
      `Could not add the git credential to the global git configuration: ${describeGitFailure(args, result)}. Check that HOME (or GIT_CONFIG_GLOBAL) points to a writable place.`,
    )
  }
}

export async function configureGitCredentials(ctx: StepContext, deps: GitAuthDeps): Promise<void> {
  const { core, config, masker } = ctx
  masker.add(ctx.accessToken)
  const credential = config.provider.gitCredential(config.bitbucketUrl, ctx.accessToken)
  for (const secret of credential.secrets) masker.add(secret)

  if (isInside(realPath(config.runnerTemp), realPath(config.workspace))) {
    throw new ActionError(
      `RUNNER_TEMP (${config.runnerTemp}) lies inside the workspace (${config.workspace}), so the git credential would land in the workspace. Point RUNNER_TEMP outside GITHUB_WORKSPACE, or drop \`git-credentials\`.`,
    )
  }
  fs.mkdirSync(config.runnerTemp, { recursive: true })
  const file = path.join(config.runnerTemp, `bitbucket-oauth-git-${deps.newId()}.gitconfig`)
  const state: GitCredentialsState = { version: 1, file }
  // Saved before anything is written: if this step dies half-way, the post step still cleans up.
  core.saveState(GIT_STATE_KEY, serializeGitState(state))
  try {
    writeSecretFile(file, credentialConfig(credential))
  } catch (err) {
    throw new ActionError(
      `Could not create the git credential file in RUNNER_TEMP (${config.runnerTemp}): ${(err as Error).message}. Check that RUNNER_TEMP is a writable directory.`,
    )
  }
  core.debug(`git-credentials: wrote ${file} (mode 0600)`)

  const existed = new Set(globalConfigCandidates(deps.env).filter((f) => fs.existsSync(f)))
  await addInclude(deps.git, file)
  state.included = true
  const configFile = await findIncludingFile(deps.git, file)
  if (configFile) {
    state.configFile = configFile
    state.createdConfig = !existed.has(configFile)
  }
  core.saveState(GIT_STATE_KEY, serializeGitState(state))
  core.debug(`git-credentials: include.path added to ${configFile ?? 'the global git configuration'}`)

  core.info(`Git in later steps authenticates to ${credential.url} ${credential.describe} (removed by the post step).`)
  if (credential.rewrites) {
    core.info(
      `Git rewrites ${credential.rewrites.insteadOf.join(' and ')} URLs to ${credential.rewrites.base} for later steps.`,
    )
  }
}
