/**
 * `git-credentials: true`: later steps' git authenticates with the access
 * token to the provider's URL (Cloud: the scheme, host and port of
 * `bitbucket-url`, as `x-token-auth`; Data Center: `{bitbucket-url}/scm/`,
 * with a Bearer header) and nothing else, for this job only.
 *
 * The credential is an `http.<url>.extraheader` header in a file of its own
 * under RUNNER_TEMP (0600, a fresh name per use). A second file there becomes
 * the global git configuration of the job's later steps: it includes the
 * user's own global configuration and then the credential file
 * (config-file.ts), and GIT_CONFIG_GLOBAL names it for later steps (git 2.32
 * and later). `~/.gitconfig` is never written to, so another job sharing the
 * runner's HOME never sees this job's token. Git is only ever given paths;
 * the secret goes from Node straight into the file. The state records exactly
 * what was written, for the post step (cleanup.ts).
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from '../shared/errors.ts'
import { GitNotFoundError, describeGitFailure, gitRunner, type GitRunner } from './runner.ts'
import { GIT_STATE_KEY, serializeGitState, type GitCredentialsState } from './state.ts'
import type { ActionCore, StepContext } from '../action/run.ts'
import type { Config } from '../action/inputs.ts'
import type { GitCredential } from '../bitbucket/provider.ts'
import { realPath, writeSecretFile } from '../shared/fs-safe.ts'
import { isInsideOn, pathApiOf } from '../shared/platform-path.ts'
import {
  MIN_GIT_VERSION,
  jobGlobalConfig,
  parseGitVersion,
  readsGlobalFromEnv,
  userGlobalFiles,
} from './config-file.ts'

/** The variable that points later steps' git at the job's global configuration. */
export const GIT_CONFIG_GLOBAL = 'GIT_CONFIG_GLOBAL'

export interface GitAuthDeps {
  git: GitRunner
  /** The step's environment (GIT_CONFIG_GLOBAL, XDG_CONFIG_HOME decide what the user's global configuration is). */
  env: NodeJS.ProcessEnv
  newId(): string
  /** The runner's OS: decides path forms and case-sensitivity. */
  platform: NodeJS.Platform
}

export async function setupGitCredentials(ctx: StepContext): Promise<void> {
  // git gets the step's environment less every secret, the exported token included.
  const git = gitRunner(ctx.env, { names: [ctx.config.exportEnv], isSecret: (v) => ctx.masker.holdsSecret(v) })
  await configureGitCredentials(ctx, { git, env: ctx.env, newId: randomUUID, platform: process.platform })
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

/** Throws unless git is on PATH and reads GIT_CONFIG_GLOBAL (2.32 or later). */
async function requireGit(git: GitRunner, core: ActionCore): Promise<void> {
  let result
  try {
    result = await git(['--version'])
  } catch (err) {
    if (err instanceof GitNotFoundError) {
      throw new ActionError(
        '`git-credentials: true` needs git on PATH, and none was found. Install git in an earlier step, or drop `git-credentials`.',
      )
    }
    throw err
  }
  if (result.code !== 0) throw new ActionError(`Could not run git: ${describeGitFailure(['--version'], result)}.`)
  const version = parseGitVersion(result.stdout)
  if (!version) {
    core.warning(
      `Could not tell the version of git from "${result.stdout.trim().slice(0, 80)}"; \`git-credentials\` needs git ${MIN_GIT_VERSION.join('.')} or later.`,
    )
  } else if (!readsGlobalFromEnv(version)) {
    throw new ActionError(
      `\`git-credentials: true\` needs git ${MIN_GIT_VERSION.join('.')} or later (it gives later steps a job-scoped global configuration through GIT_CONFIG_GLOBAL, which older git ignores); this runner has git ${version.join('.')}. Install a newer git in an earlier step, or drop \`git-credentials\` and use the exported token.`,
    )
  }
}

/** Refuses a RUNNER_TEMP inside the workspace: the credential would land in it. */
function checkRunnerTemp(config: Config, platform: NodeJS.Platform): void {
  const temp = realPath(config.runnerTemp)
  const workspace = realPath(config.workspace)
  if (isInsideOn(platform, temp, workspace)) {
    throw new ActionError(
      `RUNNER_TEMP (${config.runnerTemp}) lies inside the workspace (${config.workspace}), so the git credential would land in the workspace. Point RUNNER_TEMP outside GITHUB_WORKSPACE, or drop \`git-credentials\`.`,
    )
  }
}

/** Writes a file of the action under RUNNER_TEMP (0600, never over anything), or says what to check. */
function writeFile(config: Config, file: string, content: string): void {
  try {
    writeSecretFile(file, content)
  } catch (err) {
    throw new ActionError(
      `Could not create ${path.basename(file)} in RUNNER_TEMP (${config.runnerTemp}): ${(err as Error).message}. Check that RUNNER_TEMP is a writable directory.`,
    )
  }
}

export async function configureGitCredentials(ctx: StepContext, deps: GitAuthDeps): Promise<void> {
  const { core, config, masker } = ctx
  masker.add(ctx.accessToken)
  const credential = config.provider.gitCredential(config.bitbucketUrl, ctx.accessToken)
  for (const secret of credential.secrets) masker.add(secret)
  checkRunnerTemp(config, deps.platform)
  await requireGit(deps.git, core)

  const pathApi = pathApiOf(deps.platform)
  fs.mkdirSync(config.runnerTemp, { recursive: true })
  const id = deps.newId()
  const state: GitCredentialsState = {
    version: 2,
    file: pathApi.join(config.runnerTemp, `bitbucket-oauth-git-${id}.gitconfig`),
    globalFile: pathApi.join(config.runnerTemp, `bitbucket-oauth-global-${id}.gitconfig`),
  }
  const userFiles = userGlobalFiles(deps.env, pathApi)
  if (deps.env.GIT_CONFIG_GLOBAL) state.previousGlobal = userFiles[0]
  const globalConfig = jobGlobalConfig(userFiles, state.file, deps.platform)
  // Saved before anything is written: if this step dies half-way, the post step still cleans up.
  core.saveState(GIT_STATE_KEY, serializeGitState(state))
  writeFile(config, state.file, credentialConfig(credential))
  writeFile(config, state.globalFile, globalConfig)
  core.exportVariable(GIT_CONFIG_GLOBAL, state.globalFile)
  core.debug(
    `git-credentials: wrote ${state.file} (mode 0600) and ${state.globalFile}, which includes ${userFiles.join(', ')} and then the credential; ${GIT_CONFIG_GLOBAL} names it for later steps`,
  )

  core.info(
    `Git in later steps of this job authenticates to ${credential.url} ${credential.describe} (through ${GIT_CONFIG_GLOBAL}; ~/.gitconfig is not changed; removed by the post step).`,
  )
  if (credential.rewrites) {
    core.info(
      `Git rewrites ${credential.rewrites.insteadOf.join(' and ')} URLs to ${credential.rewrites.base} for later steps.`,
    )
  }
}
