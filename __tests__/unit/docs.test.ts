/** README's inputs and outputs tables say what action.yml says. */
import { expect, test } from '@jest/globals'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT, actionYml } from '../helpers/action.ts'

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')

function table(heading: string): Map<string, string[]> {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? ''
  const rows = new Map<string, string[]>()
  for (const m of section.matchAll(/^\| `([a-z0-9-]+)` \|(.*)\|$/gm))
    rows.set(
      m[1]!,
      m[2]!.split('|').map((c) => c.trim()),
    )
  return rows
}

test('every input is documented with its default, and nothing else', () => {
  const rows = table('Inputs')
  expect([...rows.keys()]).toEqual(Object.keys(actionYml.inputs))
  for (const [name, spec] of Object.entries(actionYml.inputs) as [string, { default?: string; required?: boolean }][]) {
    const documented = rows.get(name)![0]!
    if (spec.required) expect(documented).toBe('**required**')
    else expect(documented).toBe(spec.default === '' ? "`''`" : `\`${spec.default}\``)
  }
})

test('every output is documented, and nothing else', () => {
  expect([...table('Outputs').keys()]).toEqual(Object.keys(actionYml.outputs))
})

test('action.yml runs on node24 with a main and a post bundle', () => {
  expect(actionYml.runs).toMatchObject({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js' })
})
