import { describe, expect, test } from '@jest/globals'
import { UnsafeArchiveError } from '../../../../src/archives/entry-policy.ts'
import { TarFormatError } from '../../../../src/archives/tar-reader.ts'
import { fromWire, toWire } from '../../../../src/archives/worker/protocol.ts'
import { HttpError } from '../../../../src/net/errors.ts'
import { ActionError } from '../../../../src/shared/errors.ts'

/** What the main thread gets back for an error thrown in the worker (postMessage clones the data). */
const across = (err: unknown) => fromWire(structuredClone(toWire(err)))

describe('errors across the worker boundary', () => {
  test('an HttpError keeps its class, status, phase, code and message', () => {
    const e = across(
      new HttpError('the archive answered HTTP 200 but…', { status: 200, code: 'ECONNRESET', phase: 'body' }),
    )
    expect(e).toBeInstanceOf(HttpError)
    expect(e).toBeInstanceOf(ActionError)
    expect(e).toMatchObject({
      status: 200,
      code: 'ECONNRESET',
      phase: 'body',
      message: 'the archive answered HTTP 200 but…',
    })
    expect((e as HttpError).detail).toMatch(/HttpError/) // the worker's stack, for the debug log
    expect(across(new HttpError('no answer'))).toMatchObject({ status: undefined, phase: 'request' })
  })

  test('UnsafeArchiveError and TarFormatError keep their class (and code)', () => {
    expect(across(new UnsafeArchiveError('bad entry'))).toBeInstanceOf(UnsafeArchiveError)
    const t = across(new TarFormatError('cut short', 'TRUNCATED'))
    expect(t).toBeInstanceOf(TarFormatError)
    expect(t).toMatchObject({ code: 'TRUNCATED', message: 'cut short' })
  })

  test('an ActionError keeps its detail', () => {
    const e = across(new ActionError('refused', { detail: 'more' }))
    expect(e).toBeInstanceOf(ActionError)
    expect(e).toMatchObject({ message: 'refused', detail: 'more' })
  })

  test('any other error keeps its message, code and stack', () => {
    const original = Object.assign(new Error('no space left'), { code: 'ENOSPC' })
    const e = across(original)
    expect(e).not.toBeInstanceOf(ActionError)
    expect(e).toMatchObject({ message: 'no space left', code: 'ENOSPC', stack: original.stack })
    expect(across('a string')).toMatchObject({ message: 'a string' })
  })
})
