import { describe, expect, test } from '@jest/globals'
import { markdownText, oneLine, printable, shown } from '../../../src/shared/format.ts'

describe('oneLine', () => {
  test('newlines, escape sequences, C1 controls, line separators and bidi overrides become one space', () => {
    expect(oneLine('bearer\n::warning::x')).toBe('bearer ::warning::x')
    expect(oneLine('a\r\n\r\nb')).toBe('a b')
    expect(oneLine('\u001b[31mred\u001b[0m \u001b]8;;https://evil\u0007link\u001b]8;;\u0007')).toBe(
      '[31mred [0m  ]8;;https://evil link ]8;;',
    )
    expect(oneLine('a\u009b31mb')).toBe('a 31mb')
    expect(oneLine('a\u2028b\u2029c')).toBe('a b c')
    expect(oneLine('admin\u202e\u2066txt.exe')).toBe('admin txt.exe')
    expect(oneLine('  plain  ')).toBe('plain')
  })
})

describe('printable', () => {
  test('one line, at most max characters', () => {
    expect(printable('a\nb', 10)).toBe('a b')
    expect(printable('x'.repeat(300))).toBe(`${'x'.repeat(200)}…`)
  })
})

describe('markdownText', () => {
  test.each([
    ['![img](https://evil.example/p.png)', '\\!\\[img\\]\\(https\\:\\/\\/evil\\.example\\/p\\.png\\)'],
    ['[link](x)', '\\[link\\]\\(x\\)'],
    ['<img src=x onerror=alert(1)>', '&lt;img src\\=x onerror\\=alert\\(1\\)&gt;'],
    ['a & "b" \'c\'', 'a &amp; &quot;b&quot; &#39;c&#39;'],
    ['cell | break\nnext', 'cell \\| break next'],
    ['www.evil.example @octocat #1', 'www\\.evil\\.example \\@octocat \\#1'],
    ['**bold** _em_ `code` ~~del~~', '\\*\\*bold\\*\\* \\_em\\_ \\`code\\` \\~\\~del\\~\\~'],
    ['repository:write account', 'repository\\:write account'],
  ])('%p renders as itself', (text, markdown) => expect(markdownText(text)).toBe(markdown))

  test('leaves no ASCII punctuation unescaped, and letters, digits and spaces as they are', () => {
    let all = ''
    for (let c = 0x20; c < 0x7f; c++) all += String.fromCharCode(c)
    const out = markdownText(all)
    const bare = out.replace(/&(amp|lt|gt|quot|#39);/g, '').replace(/\\[!-/:-@[-`{-~]/g, '')
    expect(bare).toMatch(/^[ 0-9A-Za-z]*$/)
  })
})

describe('shown', () => {
  test('control characters and line separators escaped as \\uXXXX, the rest kept', () => {
    expect(shown('a\nb\u0007c\u007f\u2028 d.zip')).toBe('a\\u000ab\\u0007c\\u007f\\u2028 d.zip')
    expect(shown('plain/ü.zip')).toBe('plain/ü.zip')
  })

  test('the same characters as oneLine: C1 controls and bidirectional overrides too', () => {
    expect(shown('evil\u202egpj.exe\u0085')).toBe('evil\\u202egpj.exe\\u0085')
    expect(shown('\u2066x\u2069')).toBe('\\u2066x\\u2069')
  })
})
