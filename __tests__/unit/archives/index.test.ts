import { describe, expect, test } from '@jest/globals'
import { CONCURRENCY, inLanes } from '../../../src/archives/index.ts'

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

describe('inLanes', () => {
  test('at most `width` at a time; results in the order of the items, whatever order they finish in', async () => {
    let running = 0
    let most = 0
    const items = [50, 10, 40, 5, 30, 1, 20, 1]
    const lanes = await inLanes(items, CONCURRENCY, async (ms) => {
      most = Math.max(most, ++running)
      await new Promise((resolve) => setTimeout(resolve, ms))
      running--
      return ms * 2
    })
    expect(CONCURRENCY).toBe(4)
    expect(most).toBe(4)
    expect(lanes.done).toEqual(items.map((ms) => ms * 2))
    expect(lanes.failures).toEqual([])
  })

  test('after a failure no new item starts; those running finish', async () => {
    const started: number[] = []
    const lanes = await inLanes([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n)
      if (n === 2) throw new Error('two')
      await tick()
      return n
    })
    expect(started).toEqual([1, 2])
    expect(lanes.done).toEqual([1, undefined, undefined, undefined, undefined, undefined])
    expect(lanes.failures).toEqual([{ item: 2, err: new Error('two') }])
  })

  test('fewer items than lanes, and none', async () => {
    expect((await inLanes([7], 4, async (n) => n)).done).toEqual([7])
    expect(await inLanes([], 4, async (n) => n)).toEqual({ done: [], failures: [] })
  })
})
