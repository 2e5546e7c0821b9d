/** A job's folders, a real git with its own HOME, and a StepContext for the unit tests of src/git/. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { CleanupDeps } from '../../src/git/cleanup.ts'
import type { GitAuthDeps } from '../../src/git/credentials.ts'
import { gitRunner, type GitRunner } from '../../src/git/runner.ts'
import type { Config } from '../../src/action/inputs.ts'
import type { ActionCore, StepContext } from '../../src/action/run.ts'
import { Masker } from '../../src/shared/mask.ts'
import { CLOUD } from '../../src/bitbucket/cloud/provider.ts'

export const TOKEN = 'tok_' + 'A1b2C3d4'.repeat(12)

/** What the step recorded: saved state, log lines, values it masked, variables it exported. */
export interface Recorded {
  state: Record<string, string>
  lines: string[]
  secrets: string[]
  exported: Record<string, string>
}

export const newRecord = (): Recorded => ({ state: {}, lines: [], secrets: [], exported: {} })

let ids = 0

export class GitFixture {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-unit-git-'))
  readonly home = path.join(this.root, 'home')
  readonly runnerTemp = path.join(this.root, 'temp')
  readonly workspace = path.join(this.root, 'workspace')
  readonly env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: this.home, GIT_CONFIG_NOSYSTEM: '1', LANG: 'C' }
  /** Every git call: no secret may ever be on a command line. */
  readonly argv: string[][] = []
  readonly git: GitRunner

  constructor() {
    for (const d of [this.home, this.runnerTemp, this.workspace]) fs.mkdirSync(d)
    const real = gitRunner(this.env)
    this.git = (args) => {
      this.argv.push(args)
      return real(args)
    }
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true })
  }

  context(bitbucketUrl: string, rec: Recorded, overrides: Partial<Config> = {}): StepContext {
    const core: ActionCore = {
      getInput: () => '',
      setOutput: () => {},
      exportVariable: (name, value) => void (rec.exported[name] = value),
      saveState: (name, value) => void (rec.state[name] = value),
      info: (m) => void rec.lines.push(m),
      warning: (m) => void rec.lines.push(`warning: ${m}`),
      debug: (m) => void rec.lines.push(`debug: ${m}`),
      appendSummary: async () => {},
    }
    const config = {
      provider: CLOUD,
      bitbucketUrl: new URL(bitbucketUrl),
      workspace: this.workspace,
      runnerTemp: this.runnerTemp,
      ...overrides,
    } as Config
    return {
      core,
      http: undefined as never,
      masker: new Masker((s) => void rec.secrets.push(s)),
      config,
      accessToken: TOKEN,
      env: this.env,
    }
  }

  deps(): GitAuthDeps {
    return {
      git: this.git,
      env: this.env,
      newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
      platform: process.platform,
    }
  }

  cleanupDeps(state: Record<string, string>, lines: string[], exported: Record<string, string> = {}): CleanupDeps {
    return {
      getState: (name) => state[name] ?? '',
      exportVariable: (name, value) => void (exported[name] = value),
      info: (m) => void lines.push(m),
      warning: (m) => void lines.push(`warning: ${m}`),
      debug: (m) => void lines.push(`debug: ${m}`),
    }
  }

  /** Git as a later step runs it: the job's environment plus what the step exported (`rec`). */
  async gitOut(args: string[], rec?: Recorded): Promise<string> {
    return (await gitRunner({ ...this.env, ...rec?.exported })(args)).stdout.trim()
  }

  /** The credential file the main step recorded in its state. */
  static credentialFile(rec: Recorded): string {
    return (JSON.parse(rec.state['git-credentials']!) as { file: string }).file
  }
}
