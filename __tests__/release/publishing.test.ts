/**
 * What a release and the Marketplace need: action.yml's listing fields, a
 * CHANGELOG section for package.json's version, and workflows that pin
 * third-party actions to full commit SHAs.
 */
import { expect, test } from '@jest/globals'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../helpers/action.ts'

const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  name: string
  description: string
  branding: { icon: string; color: string }
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }

test('action.yml: a short name, a description under 125 characters, valid branding', () => {
  expect(action.name.length).toBeGreaterThan(0)
  expect(action.name.length).toBeLessThanOrEqual(40)
  expect(action.description.length).toBeLessThan(125)
  expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(
    action.branding.color,
  )
  expect(action.branding.icon).toMatch(/^[a-z0-9-]+$/)
})

test('CHANGELOG.md: an Unreleased section and one for package.json’s version', () => {
  const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')
  expect(changelog).toMatch(/^## \[Unreleased\]$/m)
  expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'))
})

test('workflows pin every third-party action to a full commit SHA with its version in a comment', () => {
  const dir = path.join(ROOT, '.github', 'workflows')
  const uses: string[] = []
  for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    for (const m of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)) {
      if (m[1]!.startsWith('./')) continue
      uses.push(`${file}: ${m[1]}${m[2]}`)
      expect(`${file}: ${m[1]}${m[2]}`).toMatch(/: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
    }
  }
  expect(uses.length).toBeGreaterThan(0)
})
