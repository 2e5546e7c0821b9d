import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { npmAuthKey, npmrcContent, npmUserConfig, readNpmUserConfig } from '../../../src/package-managers/npm.ts'
import { goEnvFile, goVariables, parseGoEnvFile, withPattern } from '../../../src/package-managers/go.ts'
import { composerAuth, composerAuthKey } from '../../../src/package-managers/composer.ts'

const TOKEN = 'tok_' + 'A1b2C3d4'.repeat(8)

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bboa-unit-pm-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

describe('npm', () => {
  test('the key holds host and port, never the scheme or path', () => {
    expect(npmAuthKey(new URL('https://bitbucket.org'))).toBe('//bitbucket.org/:_authToken')
    expect(npmAuthKey(new URL('https://bitbucket.org:443/'))).toBe('//bitbucket.org/:_authToken')
    expect(npmAuthKey(new URL('https://git.example.com:8443/bitbucket'))).toBe('//git.example.com:8443/:_authToken')
    expect(npmAuthKey(new URL('http://127.0.0.1:7990'))).toBe('//127.0.0.1:7990/:_authToken')
  })

  test('the user configuration npm reads: npm_config_userconfig in any case, else ~/.npmrc', () => {
    expect(npmUserConfig({}, '/home/u')).toEqual({ file: '/home/u/.npmrc', variables: [] })
    expect(npmUserConfig({ NPM_CONFIG_USERCONFIG: '/rt/.npmrc' }, '/home/u')).toEqual({
      file: '/rt/.npmrc',
      variables: ['NPM_CONFIG_USERCONFIG'],
    })
    expect(npmUserConfig({ npm_config_userconfig: '~/cfg/npmrc' }, '/home/u').file).toBe('/home/u/cfg/npmrc')
    expect(npmUserConfig({ npm_config_userconfig: 'rel/npmrc' }, '/home/u', '/ws').file).toBe('/ws/rel/npmrc')
    // npm skips empty values; of several spellings the last one wins, and all are pointed at the new file.
    const both = npmUserConfig(
      { NPM_CONFIG_USERCONFIG: '/a', npm_config_userconfig: '/b', Npm_Config_UserConfig: '' },
      '/h',
    )
    expect(both).toEqual({
      file: '/b',
      variables: ['NPM_CONFIG_USERCONFIG', 'npm_config_userconfig', 'Npm_Config_UserConfig'],
    })
  })

  test("the new file: the token first, then the user's lines as they are; the user's line for that key neutralised", () => {
    const user = [
      '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}',
      '@octo-org:registry=https://npm.pkg.github.com/',
      '  //bitbucket.org/:_authToken = ${OLD_TOKEN}',
      '//bitbucket.org/:_auth=keep-me',
      '[section]',
      'key=value',
    ].join('\n')
    const text = npmrcContent({ file: '/rt/.npmrc', content: user + '\n' }, new URL('https://bitbucket.org'), TOKEN)
    const lines = text.split('\n')
    expect(lines[0]).toMatch(/^# Written by bitbucket-oauth-action/)
    const keyLine = lines.findIndex((l) => l === `//bitbucket.org/:_authToken=${TOKEN}`)
    expect(keyLine).toBeGreaterThan(0)
    expect(lines.indexOf('//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}')).toBeGreaterThan(keyLine)
    expect(lines).toContain('@octo-org:registry=https://npm.pkg.github.com/')
    expect(lines).toContain('; (set by the action above)   //bitbucket.org/:_authToken = ${OLD_TOKEN}')
    expect(lines).toContain('//bitbucket.org/:_auth=keep-me')
    expect(lines.slice(-3)).toEqual(['[section]', 'key=value', ''])
    expect(text.split(TOKEN)).toHaveLength(2)
  })

  test('no user file: just the token; CRLF files keep their lines', () => {
    const none = npmrcContent({ file: '/h/.npmrc', content: '' }, new URL('https://bitbucket.org'), TOKEN)
    expect(none).not.toContain('Carried over')
    const crlf = npmrcContent({ file: '/h/.npmrc', content: 'a=1\r\nb=2\r\n' }, new URL('https://bitbucket.org'), TOKEN)
    expect(crlf.endsWith('a=1\nb=2\n')).toBe(true)
  })

  test('a token with a line break is refused', () => {
    expect(() => npmrcContent({ file: 'f', content: '' }, new URL('https://bitbucket.org'), 'a\nregistry=x')).toThrow(
      /line break/,
    )
  })

  test('reading the user file: missing is empty, unreadable is an error naming it', () => {
    expect(readNpmUserConfig(path.join(root, 'missing'))).toBe('')
    fs.writeFileSync(path.join(root, 'npmrc'), 'x=1\n')
    expect(readNpmUserConfig(path.join(root, 'npmrc'))).toBe('x=1\n')
    expect(() => readNpmUserConfig(root)).toThrow(/could not read your npm user configuration .* \(EISDIR\)/)
  })
})

describe('go', () => {
  const site = new URL('https://bitbucket.org')

  test('GOPRIVATE gains the host (never a port), entries already there kept', () => {
    expect(goVariables(site, {}, {})).toEqual({ GOPRIVATE: 'bitbucket.org' })
    expect(goVariables(new URL('https://git.example.com:8443/bb'), { GOPRIVATE: 'a.example/*' }, {})).toEqual({
      GOPRIVATE: 'a.example/*,git.example.com',
    })
    expect(goVariables(site, { GOPRIVATE: 'bitbucket.org' }, {})).toEqual({ GOPRIVATE: 'bitbucket.org' })
  })

  test("the environment wins over go's env file, as in the go command; an empty variable does not count", () => {
    expect(goVariables(site, { GOPRIVATE: 'env.example' }, { GOPRIVATE: 'file.example' }).GOPRIVATE).toBe(
      'env.example,bitbucket.org',
    )
    expect(goVariables(site, { GOPRIVATE: '' }, { GOPRIVATE: 'file.example' }).GOPRIVATE).toBe(
      'file.example,bitbucket.org',
    )
  })

  test('GONOPROXY and GONOSUMDB gain the host only where the user set them', () => {
    expect(goVariables(site, { GONOSUMDB: 'corp.example' }, { GONOPROXY: 'none' })).toEqual({
      GOPRIVATE: 'bitbucket.org',
      GONOPROXY: 'none,bitbucket.org',
      GONOSUMDB: 'corp.example,bitbucket.org',
    })
  })

  test('the go env file: GOENV, else the user config dir of the platform; GOENV=off means none', () => {
    expect(goEnvFile({}, '/home/u', 'linux')).toBe('/home/u/.config/go/env')
    expect(goEnvFile({ XDG_CONFIG_HOME: '/xdg' }, '/home/u', 'linux')).toBe('/xdg/go/env')
    expect(goEnvFile({ XDG_CONFIG_HOME: 'relative' }, '/home/u', 'linux')).toBe('/home/u/.config/go/env')
    expect(goEnvFile({}, '/Users/u', 'darwin')).toBe('/Users/u/Library/Application Support/go/env')
    expect(goEnvFile({ GOENV: '/custom/env' }, '/home/u', 'linux')).toBe('/custom/env')
    expect(goEnvFile({ GOENV: 'off' }, '/home/u', 'linux')).toBeUndefined()
    expect(parseGoEnvFile('GOPRIVATE=a.example/*,b.example\n# c\nJUNK\nGOFLAGS=-mod=mod\r\n')).toEqual({
      GOPRIVATE: 'a.example/*,b.example',
      GOFLAGS: '-mod=mod',
    })
    expect(withPattern(' a , ,b ', 'c')).toBe('a,b,c')
  })
})

describe('composer', () => {
  test('keyed by host, plus the port when it is not the default', () => {
    expect(composerAuthKey(new URL('https://bitbucket.org'))).toBe('bitbucket.org')
    expect(composerAuthKey(new URL('https://bitbucket.org:443'))).toBe('bitbucket.org')
    expect(composerAuthKey(new URL('https://git.example.com:8443/bb'))).toBe('git.example.com:8443')
    expect(composerAuthKey(new URL('http://127.0.0.1:80'))).toBe('127.0.0.1')
  })

  test('http-basic with x-token-auth added; everything else kept; an old entry for the host replaced', () => {
    const existing = {
      'github-oauth': { 'github.com': 'ghp' },
      'http-basic': { 'repo.example.com': { username: 'u', password: 'p' }, 'bitbucket.org': { username: 'old' } },
      bearer: { 'x.example': 't' },
    }
    expect(JSON.parse(composerAuth(existing, new URL('https://bitbucket.org'), TOKEN))).toEqual({
      'github-oauth': { 'github.com': 'ghp' },
      'http-basic': {
        'repo.example.com': { username: 'u', password: 'p' },
        'bitbucket.org': { username: 'x-token-auth', password: TOKEN },
      },
      bearer: { 'x.example': 't' },
    })
    expect(JSON.parse(composerAuth({}, new URL('https://bitbucket.org'), TOKEN))).toEqual({
      'http-basic': { 'bitbucket.org': { username: 'x-token-auth', password: TOKEN } },
    })
  })

  test('Data Center: a bearer entry for host:port, the other entries kept', () => {
    const existing = {
      'http-basic': { 'repo.example.com': { username: 'u', password: 'p' } },
      bearer: { 'x.example': 't' },
    }
    const site = new URL('https://git.example.com:8443/bitbucket')
    expect(JSON.parse(composerAuth(existing, site, TOKEN, 'bearer'))).toEqual({
      'http-basic': { 'repo.example.com': { username: 'u', password: 'p' } },
      bearer: { 'x.example': 't', 'git.example.com:8443': TOKEN },
    })
  })
})
