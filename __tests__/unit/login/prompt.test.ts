/** The terminal prompts of `login`: line editing, no echo for the Secret, raw mode held for the whole exchange. */
import { describe, expect, test } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { PromptCancelled, Prompter, editLine, type PromptTerminal } from '../../../src/login/prompt.ts'

describe('editLine', () => {
  test('printable keys are added and echoed; a hidden line echoes nothing', () => {
    expect(editLine('', 'abc', false)).toEqual({ text: 'abc', echo: 'abc', rest: '' })
    expect(editLine('', 's3cr3t', true)).toEqual({ text: 's3cr3t', echo: '', rest: '' })
  })
  test('Enter ends the line; keys after it are kept for the next question (\\r\\n is one Enter)', () => {
    expect(editLine('ab', 'c\rnext', false)).toEqual({ text: 'abc', echo: 'c', end: 'enter', rest: 'next' })
    expect(editLine('', 'key\r\nsecret\r', true)).toEqual({ text: 'key', echo: '', end: 'enter', rest: 'secret\r' })
    expect(editLine('', '\n', true)).toMatchObject({ text: '', end: 'enter' })
  })
  test('Backspace and Ctrl-U erase (on screen only when echoed); whole characters, not UTF-16 halves', () => {
    expect(editLine('abc', '\x7f\x7fd', false)).toEqual({ text: 'ad', echo: '\b \b\b \bd', rest: '' })
    expect(editLine('abc', '\b', true)).toEqual({ text: 'ab', echo: '', rest: '' })
    expect(editLine('x😀', '\x7f', true).text).toBe('x')
    expect(editLine('abc', '\x15z', false)).toEqual({ text: 'z', echo: '\b \b\b \b\b \bz', rest: '' })
    expect(editLine('', '\x7f', false)).toEqual({ text: '', echo: '', rest: '' })
  })
  test('escape sequences (arrows, bracketed paste marks) and other control keys are ignored', () => {
    expect(editLine('', '\x1b[Aa\x1b[200~pasted\x1b[201~\x1bOB\tb\x00', true).text).toBe('apastedb')
  })
  test('Ctrl-C stops; Ctrl-D stops on an empty line only', () => {
    expect(editLine('abc', 'd\x03e', true)).toMatchObject({ end: 'interrupt' })
    expect(editLine('', '\x04', true)).toMatchObject({ end: 'eof' })
    expect(editLine('a', '\x04b', true)).toEqual({ text: 'ab', echo: '', rest: '' })
  })
})

/** A terminal whose keyboard the test types on and whose screen it reads. */
function fakeTerminal() {
  const input = Object.assign(new EventEmitter(), {
    raw: [] as boolean[],
    reading: false,
    setRawMode(mode: boolean) {
      this.raw.push(mode)
    },
    resume() {
      this.reading = true
    },
    pause() {
      this.reading = false
    },
  })
  const screen: string[] = []
  const terminal: PromptTerminal = { input, write: (text) => void screen.push(text) }
  const type = (keys: string) => input.emit('data', Buffer.from(keys, 'utf8'))
  return { terminal, input, screen: () => screen.join(''), type }
}

describe('Prompter', () => {
  test('asks the Key (echoed) and the Secret (never shown) with raw mode on throughout, then restores the terminal', async () => {
    const t = fakeTerminal()
    const p = new Prompter(t.terminal)
    p.open()
    const key = p.ask('Key: ', false)
    t.type('my-')
    t.type('key\r')
    await expect(key).resolves.toBe('my-key')
    expect(t.input.reading).toBe(false)
    const secret = p.ask('Secret: ', true)
    expect(t.input.reading).toBe(true)
    t.type('s3cr3t-')
    t.type('value\r')
    await expect(secret).resolves.toBe('s3cr3t-value')
    p.close()
    expect(t.screen()).toBe('Key: my-key\nSecret: \n')
    expect(t.input.raw).toEqual([true, false])
    expect(t.input.listenerCount('data')).toBe(0)
  })

  test('a paste of both answers at once: the second question takes what followed the first Enter', async () => {
    const t = fakeTerminal()
    const p = new Prompter(t.terminal)
    const key = p.ask('Key: ', false)
    t.type('k1\rs1-hidden\r')
    await expect(key).resolves.toBe('k1')
    await expect(p.ask('Secret: ', true)).resolves.toBe('s1-hidden')
    expect(t.screen()).not.toContain('s1-hidden')
  })

  test('a blank answer is asked again; Ctrl-C rejects with PromptCancelled', async () => {
    const t = fakeTerminal()
    const p = new Prompter(t.terminal)
    const answer = p.askNonEmpty('Key: ', { hidden: false, again: 'Paste the Key.' })
    t.type('  \r')
    await new Promise((r) => setImmediate(r))
    t.type(' k \r')
    await expect(answer).resolves.toBe('k')
    expect(t.screen()).toBe('Key:   \nPaste the Key.\nKey:  k \n')
    const stopped = p.ask('Secret: ', true)
    t.type('abc\x03')
    await expect(stopped).rejects.toThrow(PromptCancelled)
    await expect(stopped).rejects.toThrow('Stopped at the prompt (Ctrl-C); nothing was done.')
    const eof = p.ask('Secret: ', true)
    t.type('\x04')
    await expect(eof).rejects.toThrow('Stopped at the prompt (Ctrl-D); nothing was done.')
    expect(t.input.listenerCount('data')).toBe(0)
  })
})
