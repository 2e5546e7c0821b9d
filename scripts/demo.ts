/**
 * `npm run demo`: the bundled action, end to end, against the built-in
 * Bitbucket emulator, the way a GitHub runner runs it, in a temporary
 * workspace. Shows the step log as the runner displays it (masked values as
 * ***), the outputs and the exported variables. Nothing leaves loopback.
 *
 * Then the same against a Bitbucket Data Center emulator (demo-datacenter.ts).
 *
 *   npm run demo            the step log without debug lines
 *   npm run demo -- --debug with ::debug:: lines (RUNNER_DEBUG=1)
 */
import fs from 'node:fs'
import path from 'node:path'
import { archivesOf, sampleTree } from '../emulator/bitbucket/archive-store.ts'
import { downloadsOf } from '../emulator/bitbucket/downloads.ts'
import { startEmulator } from '../emulator/bitbucket/server.ts'
import { newJob, removeJob, runStep, type Job, type StepResult } from '../__tests__/helpers/action.ts'
import { git } from '../__tests__/helpers/git.ts'
import { dataCenterDemo } from './demo-datacenter.ts'
import { startGitHubFixture } from '../__tests__/helpers/github.ts'

const debug = process.argv.includes('--debug')
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)

/** Renders a step's stdout as the runner's log viewer does: commands applied, masked values replaced. */
export function renderLog(result: StepResult): string {
  const masks: string[] = []
  const lines: string[] = []
  for (const line of result.stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (m?.[1] === 'add-mask') {
      masks.push(m[2]!)
      continue
    }
    if (m?.[1] === 'debug') {
      if (debug) lines.push(`##[debug]${m[2]}`)
      continue
    }
    if (m?.[1] === 'warning') lines.push(`Warning: ${m[2]}`)
    else if (m?.[1] === 'error') lines.push(`Error: ${m[2]}`)
    else if (m) lines.push(`##[${m[1]}]${m[2]}`)
    else if (line !== '') lines.push(line)
  }
  return mask(lines.join('\n'), masks)
}

function mask(text: string, masks: string[]): string {
  let out = text
  for (const value of [...masks].sort((a, b) => b.length - a.length)) out = out.split(value).join('***')
  return out
}

function show(title: string, r: StepResult, masks: string[]): void {
  console.log(`\n${bold(`── ${title} ──`)}  (exit code ${r.code}, ${r.ms} ms)`)
  console.log(renderLog(r).replace(/^/gm, '  │ '))
  console.log(bold('  outputs:'))
  for (const [k, v] of Object.entries(r.outputs)) console.log(`    ${k} = ${mask(v, masks).slice(0, 400)}`)
  console.log(bold('  exported to later steps:'))
  for (const [k, v] of Object.entries(r.exported)) console.log(`    ${k} = ${mask(v, masks)}`)
}

function masksOf(r: StepResult): string[] {
  return [...r.stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!)
}

const emu = await startEmulator()
const consumer = emu.state.addConsumer()
const stored = emu.state.issueRefreshToken(consumer.key).value
let job: Job | undefined
/** The jobs of the multi-job workflow run. */
const runJobs: Job[] = []
try {
  console.log(bold('bitbucket-oauth-action demo'))
  console.log(
    `Bitbucket emulator on ${emu.url} (API ${emu.apiUrl}); OAuth consumer ${consumer.key}; a stored refresh token of ${stored.length} characters.`,
  )
  job = newJob('demo')
  console.log(`Workspace ${job.workspace}, RUNNER_TEMP ${job.runnerTemp}`)
  const inputs = {
    'client-id': consumer.key,
    'client-secret': consumer.secret,
    'bitbucket-url': emu.url,
    'api-url': emu.apiUrl,
    'required-scopes': 'repository',
  }

  const first = await runStep(job, 'main', { inputs: { ...inputs, 'refresh-token': stored }, debug })
  show('Run 1: refresh grant with the stored refresh token', first, masksOf(first))

  const rotated = first.outputs['refresh-token']!
  const second = await runStep(job, 'main', { inputs: { ...inputs, 'refresh-token': rotated }, debug })
  show('Run 2: the next run, with the refresh token that run 1 output', second, masksOf(second))

  emu.state.advance(11 * 60_000)
  const third = await runStep(job, 'main', { inputs: { ...inputs, 'refresh-token': stored }, debug })
  show('Run 3: 11 minutes later, the original (already rotated) refresh token', third, masksOf(third))

  const tokenOk = first.code === 0 && second.code === 0 && third.code !== 0
  console.log(
    `\n${tokenOk ? 'As expected' : 'NOT as expected'}: runs 1 and 2 succeed, run 3 fails with a message saying what to do.`,
  )

  // git-credentials: a later step clones a private repository; after the post step it no longer can.
  emu.state.advance(-11 * 60_000)
  emu.git.create('myteam', 'tools', { 'README.md': '# tools\n', 'bin/hello.sh': 'echo hello\n' })
  archivesOf(emu.state).addCommit('myteam/shared-lib', sampleTree('myteam/shared-lib@v1.2.0'), { tags: ['v1.2.0'] })
  const downloads = downloadsOf(emu.state)
  downloads.add('myteam/app', 'app-1.1.0 linux x64.tar.gz', Buffer.alloc(150_000, 1))
  downloads.add('myteam/app', 'app-1.2.0 linux x64.tar.gz', Buffer.alloc(200_000, 2))
  const gitRun = await runStep(job, 'main', {
    inputs: {
      ...inputs,
      'refresh-token': second.outputs['refresh-token']!,
      'git-credentials': 'true',
      archives: 'myteam/shared-lib@v1.2.0 -> vendor/shared-lib',
      downloads: 'myteam/app/app-*linux x64.tar.gz -> dist/app.tar.gz',
    },
    debug,
  })
  show('Run 4: archives, a file from the Downloads section, and git-credentials: true', gitRun, masksOf(gitRun))
  const file = path.join(job.workspace, 'dist/app.tar.gz')
  const storage = downloads.storage!
  const withAuth = storage.requests.filter((q) => q.headers.authorization !== undefined).length
  console.log(
    `${bold('  the file it fetched:')} dist/app.tar.gz, ${fs.existsSync(file) ? fs.statSync(file).size : 'missing'} bytes (the newest match); the storage host ${storage.url} got ${storage.requests.length} request(s), ${withAuth} with an Authorization header`,
  )
  const dest = path.join(job.workspace, 'vendor/shared-lib')
  const tree = fs.existsSync(dest)
    ? (fs.readdirSync(dest, { recursive: true }) as string[]).sort().map((f) => {
        const st = fs.lstatSync(path.join(dest, f))
        const kind = st.isSymbolicLink()
          ? ` -> ${fs.readlinkSync(path.join(dest, f))}`
          : st.isDirectory()
            ? '/'
            : `  (${st.size} bytes${st.mode & 0o111 ? ', executable' : ''})`
        return `    ${f}${kind}`
      })
    : ['    (missing)']
  console.log(`${bold('  the tree it produced in vendor/shared-lib:')}\n${tree.join('\n')}`)
  const clone = await git(job, ['clone', '-q', `${emu.url}/myteam/tools.git`, 'tools'])
  console.log(
    `\n${bold('  a later step:')} git clone ${emu.url}/myteam/tools.git -> exit ${clone.code}; files: ${clone.code === 0 ? (await git(job, ['ls-files'], `${job.workspace}/tools`)).stdout.trim().split('\n').join(', ') : clone.stderr.trim()}`,
  )
  const post = await runStep(job, 'post', { debug })
  console.log(`${bold('  post step:')} exit ${post.code}\n${renderLog(post).replace(/^/gm, '  │ ')}`)
  const after = await git(job, ['clone', '-q', `${emu.url}/myteam/tools.git`, 'tools-again'])
  console.log(
    `${bold('  after the post step:')} git clone -> exit ${after.code} (${after.stderr.trim().split('\n').pop()})`,
  )
  const gitOk =
    gitRun.code === 0 &&
    fs.existsSync(dest) &&
    fs.existsSync(file) &&
    withAuth === 0 &&
    clone.code === 0 &&
    post.code === 0 &&
    after.code !== 0

  // One token for every job of a workflow run: job "token" mints; jobs "build" and "test", in job
  // directories of their own, reuse its sealed-token output, as `needs.token.outputs.sealed` hands it on.
  console.log(`\n${bold('A workflow run with three jobs: "token" mints, "build" and "test" reuse its sealed-token')}`)
  const gh = await startGitHubFixture()
  console.log(`A fake GitHub secrets API on ${gh.gh.url} holds secret BITBUCKET_REFRESH_TOKEN of ${gh.repository}.`)
  const saveTo = {
    'refresh-token-secret': 'BITBUCKET_REFRESH_TOKEN',
    'secret-repository': gh.repository,
    'github-token': gh.token,
    'github-api-url': gh.gh.url,
  }
  const tokenRequests = () => emu.router.requests.filter((q) => q.path === '/site/oauth2/access_token').length
  const requestsBefore = tokenRequests()
  const mintJob = newJob('demo-token')
  runJobs.push(mintJob)
  const mint = await runStep(mintJob, 'main', {
    inputs: { ...inputs, ...saveTo, 'refresh-token': gitRun.outputs['refresh-token']! },
    debug,
  })
  show('Job "token": refresh grant; outputs sealed-token', mint, masksOf(mint))
  const sealed = mint.outputs['sealed-token'] ?? ''
  const reusers = ['build', 'test'].map((name) => {
    const j = newJob(`demo-${name}`)
    runJobs.push(j)
    return { name, job: j }
  })
  const reused = await Promise.all(
    reusers.map(({ job: j }) =>
      runStep(j, 'main', {
        // What the workflow passes: the same inputs (the secret now holds what job "token" saved), plus the sealed token.
        inputs: {
          ...inputs,
          ...saveTo,
          'refresh-token': gh.gh.repoSecret(gh.repository, 'BITBUCKET_REFRESH_TOKEN')!,
          'sealed-token': sealed,
        },
        debug,
      }),
    ),
  )
  reused.forEach((r, i) => show(`Job "${reusers[i]!.name}": sealed-token from job "token"`, r, masksOf(r)))
  const requests = tokenRequests() - requestsBefore
  const writes = gh.gh.router.requests.filter((q) => q.method === 'PUT').length
  await gh.gh.close()
  const sameToken = reused.every((r) => r.exported.BITBUCKET_ACCESS_TOKEN === mint.exported.BITBUCKET_ACCESS_TOKEN)
  const masked = masksOf(mint).some((m) => sealed.includes(m))
  console.log(
    `\n  in this workflow run: ${requests} token endpoint request, ${writes} secret write; the same access token in all three jobs: ${sameToken ? 'yes' : 'no'}; sealed-token masked or holding a masked value: ${masked ? 'yes' : 'no'}`,
  )
  const shareOk =
    mint.code === 0 &&
    reused.every((r) => r.code === 0 && r.warnings.length === 0) &&
    requests === 1 &&
    writes === 1 &&
    sameToken &&
    !masked &&
    /^v1\./.test(sealed)

  const dcOk = await dataCenterDemo({ bold, debug, show: (title, r) => show(title, r, masksOf(r)) })
  console.log(
    `\n${dcOk ? 'As expected' : 'NOT as expected'}: on Data Center run 1 succeeds and git works until the post step; the replayed token fails at once.`,
  )

  const ok = tokenOk && gitOk && shareOk && dcOk
  console.log(`\n${ok ? 'Demo finished as expected.' : 'Demo did NOT behave as expected.'}`)
  process.exitCode = ok ? 0 : 1
} finally {
  if (job) removeJob(job)
  for (const j of runJobs) removeJob(j)
  await emu.close()
}
