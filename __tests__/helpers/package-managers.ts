/**
 * Real package managers as a later step of the job runs them, kept off the
 * internet: `bitbucket.org` and `api.bitbucket.org` are the emulator, reached
 * through a loopback CONNECT proxy that refuses every other destination, and
 * each tool gets fresh cache directories of its own under the job's root (so
 * that "fails after cleanup" is not answered from a warm cache).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from '@jest/globals'
import type { Job } from './action.ts'
import { filesContaining, laterStepEnv, run, tokenForms, type ProcResult } from './git.ts'
import type { TestCert } from './tls.ts'
import { makeCaSignedCert } from './ca.ts'
import { startProxy, type TestProxy } from './proxy.ts'
import { startFixture, type Fixture } from './emulator.ts'

/** Whether `cmd args` runs (exit 0). */
export function available(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000, env: { ...process.env, HOME: os.homedir() } })
  return r.status === 0
}

/**
 * A test that needs `tool`: it runs when the tool is installed; otherwise it
 * is skipped with a message saying so, except under CI=true, where a missing
 * tool fails the test (the CI script installs every one of them).
 */
export function toolTest(
  tool: string,
  isAvailable: boolean,
  name: string,
  fn: () => Promise<void>,
  timeoutMs = 180_000,
): void {
  if (isAvailable) return test(name, fn, timeoutMs)
  if (process.env.CI === 'true') {
    return test(name, () => {
      throw new Error(`${tool} is not installed, and under CI=true this test must run: install it (.ci/run does).`)
    })
  }
  test.skip(`${name} [skipped: ${tool} is not installed]`, fn)
}

/** The emulator as `https://bitbucket.org` and `https://api.bitbucket.org`, through a proxy, with a private CA. */
export interface BitbucketOrg {
  fx: Fixture
  proxy: TestProxy
  tls: TestCert
  /** Inputs pointing the action at `https://bitbucket.org`. */
  inputs: Record<string, string>
  /** Environment of the action's steps: the proxy and the CA for Node. */
  actionEnv: Record<string, string>
  /** Environment of later steps: the proxy, and the CA for git, curl, PHP, Node, Python, Ruby. */
  toolEnv: Record<string, string>
  close(): Promise<void>
}

export async function startBitbucketOrg(): Promise<BitbucketOrg> {
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-pm-cert-'))
  const tls = makeCaSignedCert(certDir, ['bitbucket.org', 'api.bitbucket.org'])
  const fx = await startFixture({ tls })
  const emu = new URL(fx.emu.url).host
  const proxy = await startProxy({ 'bitbucket.org:443': emu, 'api.bitbucket.org:443': emu })
  const viaProxy = { HTTPS_PROXY: proxy.url, https_proxy: proxy.url, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' }
  return {
    fx,
    proxy,
    tls,
    inputs: { ...fx.inputs, 'bitbucket-url': 'https://bitbucket.org', 'api-url': 'https://api.bitbucket.org/2.0' },
    actionEnv: { ...viaProxy, NODE_EXTRA_CA_CERTS: tls.certFile, BITBUCKET_OAUTH_RETRY_BASE_MS: '20' },
    toolEnv: {
      ...viaProxy,
      GIT_SSL_CAINFO: tls.certFile,
      SSL_CERT_FILE: tls.certFile,
      NODE_EXTRA_CA_CERTS: tls.certFile,
      REQUESTS_CA_BUNDLE: tls.certFile,
    },
    close: async () => {
      await proxy.close()
      await fx.emu.close()
      fs.rmSync(certDir, { recursive: true, force: true })
    },
  }
}

let cacheCount = 0
/** A fresh, empty directory under the job's root for a tool's caches. */
export function freshDir(job: Job, name: string): string {
  const dir = path.join(job.root, 'caches', `${name}-${++cacheCount}`)
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

/** Where the runner's toolchains live, which a later step inherits (the job's HOME is not the image's). */
const TOOLCHAINS: Record<string, string> = Object.fromEntries(
  [
    ['RUSTUP_HOME', process.env.RUSTUP_HOME ?? path.join(os.homedir(), '.rustup')],
    ['PYENV_ROOT', process.env.PYENV_ROOT],
  ].filter((e): e is [string, string] => typeof e[1] === 'string' && fs.existsSync(e[1])),
)

/** The environment of a later step: toolchains, what earlier steps exported (GITHUB_ENV), then `extra`. */
export function stepEnv(job: Job, extra: Record<string, string> = {}): Record<string, string> {
  return laterStepEnv(job, { ...TOOLCHAINS, ...job.env, ...extra })
}

export function tool(
  job: Job,
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ProcResult> {
  return run(cmd, args, { cwd, env: stepEnv(job, env), timeoutMs })
}

/** Writes `files` (path → content) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
  return dir
}

/** Requests the emulator received for the repository `ws/repo` (git, API, archives), with the scheme of their Authorization. */
export function repoRequests(b: BitbucketOrg, repo: string): { path: string; host: string; auth: string }[] {
  return b.fx.emu.router.requests
    .filter((r) => r.path.includes(`/${repo}`))
    .map((r) => ({
      path: r.path,
      host: r.host,
      auth: String(r.headers.authorization ?? 'none')
        .split(' ')[0]!
        .toLowerCase(),
    }))
}

/** A PEP 517 build backend in ~30 lines: builds the wheel of `pylib` with zipfile. */
export const PY_BACKEND = `import base64, hashlib, os, zipfile

NAME, VERSION = "pylib", "1.0.0"
DIST = f"{NAME}-{VERSION}.dist-info"
METADATA = f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n".encode()
WHEEL = b"Wheel-Version: 1.0\\nGenerator: in-tree\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    os.makedirs(os.path.join(metadata_directory, DIST))
    with open(os.path.join(metadata_directory, DIST, "METADATA"), "wb") as f:
        f.write(METADATA)
    return DIST


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    with open(os.path.join(NAME, "__init__.py"), "rb") as f:
        files = {f"{NAME}/__init__.py": f.read(), f"{DIST}/METADATA": METADATA, f"{DIST}/WHEEL": WHEEL}
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        for path, data in files.items():
            z.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{path},sha256={digest},{len(data)}")
        record.append(f"{DIST}/RECORD,,")
        z.writestr(f"{DIST}/RECORD", "\\n".join(record) + "\\n")
    return name
`

/** The files of the private libraries the package-manager tests install (Cloud and Data Center alike). */
export const LIBRARY_FILES = {
  rustlib: {
    'Cargo.toml': '[package]\nname = "rustlib"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
    'src/lib.rs': 'pub const ANSWER: u32 = 42;\n',
  },
  pylib: {
    // An in-tree build backend: nothing from PyPI, whatever the interpreter has installed.
    'pyproject.toml':
      '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n\n[project]\nname = "pylib"\nversion = "1.0.0"\n',
    '_build/backend.py': PY_BACKEND,
    'pylib/__init__.py': 'ANSWER = 42\n',
  },
  rubylib: {
    'rubylib.gemspec':
      'Gem::Specification.new do |s|\n  s.name = "rubylib"\n  s.version = "1.0.0"\n  s.summary = "Private"\n  s.authors = ["Acme"]\n  s.files = ["lib/rubylib.rb"]\nend\n',
    'lib/rubylib.rb': 'module Rubylib\n  ANSWER = 42\nend\n',
  },
  poetrylib: {
    'pyproject.toml':
      '[tool.poetry]\nname = "poetrylib"\nversion = "1.0.0"\ndescription = "Private"\nauthors = ["Acme <dev@example.com>"]\npackages = [{ include = "poetrylib" }]\n\n[tool.poetry.dependencies]\npython = ">=3.8"\n\n[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
    'poetrylib/__init__.py': 'ANSWER = 42\n',
  },
} satisfies Record<string, Record<string, string>>

/** `python -m pip install` of one requirement into `target`, offline but for it (no index, no build isolation, no cache). */
export function pipInstallArgs(target: string, requirement: string): string[] {
  return [
    '-m',
    'pip',
    'install',
    '--no-index',
    '--no-deps',
    '--no-build-isolation',
    '--no-cache-dir',
    '--disable-pip-version-check',
    '--target',
    target,
    requirement,
  ]
}

/** No file of the job (HOME, RUNNER_TEMP, workspace, every tool cache) holds the token in any form. */
export function expectNoTokenOnDisk(j: Job, access: string): void {
  const dirs = [j.home, j.runnerTemp, j.workspace, path.join(j.root, 'caches')]
  expect(filesContaining(dirs, tokenForms(access))).toEqual([])
  expect(fs.readdirSync(j.runnerTemp)).toEqual([])
}

/** The tool failed, saying `pattern`. */
export function failed(r: ProcResult, pattern: RegExp): void {
  expect(`${r.code === 0 ? 'exit 0' : 'failed'}\n${r.stdout}\n${r.stderr}`).toMatch(/^failed/)
  expect(`${r.stdout}\n${r.stderr}`).toMatch(pattern)
}

/** The tool exited 0 (its output shown if not). */
export function succeeded(r: ProcResult): void {
  expect(`exit ${r.code}\n${r.stdout}\n${r.stderr}`).toMatch(/^exit 0\n/)
}
