/** A fake GitHub with one repository (environment `production`), its organization, and a token that may write all their secrets. */
import { startFakeGitHub, type FakeGitHub } from '../../emulator/github/server.ts'
import type { FakeRepository } from '../../emulator/github/state.ts'

export interface GitHubFixture {
  gh: FakeGitHub
  repository: string
  repo: FakeRepository
  organization: string
  environment: string
  /** May read and write every secret of the repository, its environments and the organization. */
  token: string
}

export async function startGitHubFixture(): Promise<GitHubFixture> {
  const gh = await startFakeGitHub()
  const organization = 'octo-org'
  const repository = `${organization}/octo-repo`
  const environment = 'production'
  const repo = gh.addRepository(repository, { environments: [environment] })
  gh.addOrganization(organization)
  const token = gh.addToken({ repositories: { [repository]: 'write' }, organizations: { [organization]: 'write' } })
  return { gh, repository, repo, organization, environment, token }
}
