/**
 * The rules of the source tree's layout, checked on the code itself (read
 * with the TypeScript compiler's parser):
 *
 * - composition roots (main.ts, index.ts, post.ts, cli.ts and the archive
 *   worker's entry) are the only files that read `process.env`;
 * - the login command imports nothing of the action (src/action/);
 * - the shared folders (shared/, net/) import no feature folder;
 * - no function is longer than 60 lines.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import ts from 'typescript'
import { ROOT } from '../helpers/action.ts'

const SRC = path.join(ROOT, 'src')
const ENTRY_POINTS = new Set(['main.ts', 'index.ts', 'post.ts', 'cli.ts', 'archives/worker/worker.ts'])
const MAX_FUNCTION_LINES = 60

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name)
    if (d.isDirectory()) return sourceFiles(full)
    return d.name.endsWith('.ts') ? [full] : []
  })
}

interface Parsed {
  rel: string
  file: ts.SourceFile
}

const files: Parsed[] = sourceFiles(SRC).map((full) => ({
  rel: path.relative(SRC, full).split(path.sep).join('/'),
  file: ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true),
}))

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node)
  node.forEachChild((child) => walk(child, visit))
}

/** Relative import specifiers, resolved to paths under src/. */
function importsOf(p: Parsed): string[] {
  const out: string[] = []
  walk(p.file, (n) => {
    let spec: ts.Expression | undefined
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) spec = n.moduleSpecifier
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) spec = n.arguments[0]
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.')) {
      out.push(path.posix.normalize(path.posix.join(path.posix.dirname(p.rel), spec.text)))
    }
  })
  return out
}

describe('source layout', () => {
  test('the tree is read (sanity)', () => {
    expect(files.length).toBeGreaterThan(30)
    expect(files.map((f) => f.rel)).toEqual(expect.arrayContaining(['main.ts', 'action/run.ts', 'login/command.ts']))
  })

  test('only the composition roots read process.env', () => {
    const readers = files
      .filter((p) => !ENTRY_POINTS.has(p.rel))
      .filter((p) => {
        let found = false
        walk(p.file, (n) => {
          if (ts.isPropertyAccessExpression(n) && n.getText() === 'process.env') found = true
        })
        return found
      })
      .map((p) => p.rel)
    expect(readers).toEqual([])
  })

  test('the login command imports nothing of the action', () => {
    const wrong = files
      .filter((p) => p.rel.startsWith('login/'))
      .flatMap((p) =>
        importsOf(p)
          .filter((i) => i.startsWith('action/'))
          .map((i) => `${p.rel} → ${i}`),
      )
    expect(wrong).toEqual([])
  })

  test('shared/ and net/ import no feature folder', () => {
    const wrong = files
      .filter((p) => p.rel.startsWith('shared/') || p.rel.startsWith('net/'))
      .flatMap((p) =>
        importsOf(p)
          .filter((i) => !i.startsWith('shared/') && !i.startsWith('net/'))
          .map((i) => `${p.rel} → ${i}`),
      )
    expect(wrong).toEqual([])
  })

  test(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = []
    for (const p of files) {
      walk(p.file, (n) => {
        if (!ts.isFunctionLike(n) || !('body' in n) || !n.body) return
        const start = p.file.getLineAndCharacterOfPosition(n.getStart()).line
        const end = p.file.getLineAndCharacterOfPosition(n.getEnd()).line
        if (end - start + 1 > MAX_FUNCTION_LINES) {
          const name = n.name && ts.isIdentifier(n.name) ? n.name.text : '(anonymous)'
          long.push(`${p.rel}:${start + 1} ${name} (${end - start + 1} lines)`)
        }
      })
    }
    expect(long).toEqual([])
  })
})
