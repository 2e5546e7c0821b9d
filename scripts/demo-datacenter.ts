/**
 * The Data Center part of `npm run demo`: the bundled action against the Data
 * Center emulator under the context path `/bitbucket`. Run 1 refreshes (form
 * body, redirect_uri), fetches an archive by tag and sets up Bearer git; a
 * later step clones over /scm/; the post step removes the credential; run 2
 * replays the spent refresh token and fails at once (no grace window).
 */
import fs from 'node:fs'
import path from 'node:path'
import { startDataCenter } from '../emulator/datacenter/server.ts'
import { newJob, removeJob, runStep, type StepResult } from '../__tests__/helpers/action.ts'
import { git } from '../__tests__/helpers/git.ts'

export interface DemoOutput {
  bold(text: string): string
  show(title: string, r: StepResult): void
  debug: boolean
}

export async function dataCenterDemo(out: DemoOutput): Promise<boolean> {
  const dc = await startDataCenter()
  const job = newJob('demo-dc')
  try {
    const link = dc.state.addApplicationLink()
    const stored = dc.state.issueDcRefreshToken(link.key)
    const commit = dc.git.create('PLAT', 'lib', { 'README.md': '# PLAT/lib\n', 'src/index.js': 'export {}\n' })
    dc.tag('PLAT', 'lib', 'v2.0', commit)
    console.log(`\n${out.bold('Bitbucket Data Center')}: emulator at ${dc.url}; incoming application link ${link.key}.`)
    const inputs = {
      'bitbucket-type': 'datacenter',
      'bitbucket-url': dc.url,
      'client-id': link.key,
      'client-secret': link.secret,
      'required-scopes': 'REPO_READ',
    }
    const first = await runStep(job, 'main', {
      inputs: {
        ...inputs,
        'refresh-token': stored,
        archives: 'PLAT/lib@v2.0 -> vendor/lib',
        'git-credentials': 'true',
      },
      debug: out.debug,
    })
    out.show('Data Center run 1: refresh, archive PLAT/lib@v2.0, git-credentials', first)
    const files = fs.existsSync(path.join(job.workspace, 'vendor/lib'))
      ? (fs.readdirSync(path.join(job.workspace, 'vendor/lib'), { recursive: true }) as string[]).sort()
      : []
    console.log(`${out.bold('  vendor/lib:')} ${files.join(', ') || '(missing)'}`)
    const clone = await git(job, ['clone', '-q', `${dc.url}/scm/PLAT/lib.git`, 'lib'])
    console.log(`${out.bold('  a later step:')} git clone ${dc.url}/scm/PLAT/lib.git -> exit ${clone.code}`)
    const post = await runStep(job, 'post', { debug: out.debug })
    const after = await git(job, ['clone', '-q', `${dc.url}/scm/PLAT/lib.git`, 'lib-again'])
    console.log(`${out.bold('  after the post step:')} git clone -> exit ${after.code}`)
    const replay = await runStep(job, 'main', { inputs: { ...inputs, 'refresh-token': stored }, debug: out.debug })
    out.show('Data Center run 2: the spent refresh token again, seconds later', replay)
    const ok =
      first.code === 0 && files.includes('README.md') && clone.code === 0 && post.code === 0 && after.code !== 0
    return ok && replay.code !== 0
  } finally {
    removeJob(job)
    await dc.close()
  }
}
