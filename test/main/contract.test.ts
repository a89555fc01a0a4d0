import { describe, expect, it, vi } from 'vitest'
import { createHandlers } from '../../src-main/handlers'
import { channelNames, eventNames, parseArg } from '../../src-preload/contract'
import { TRAIN_DEFAULTS } from '../../src-preload/options/train'

const exposed = vi.hoisted(() => ({
  api: null as Record<string, unknown> | null,
  invoked: [] as [string, unknown][],
  listeners: new Map<string, (...a: unknown[]) => void>()
}))

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: Record<string, unknown>) => {
      if (key === 'api') exposed.api = api
    }
  },
  ipcRenderer: {
    invoke: async (channel: string, arg: unknown) => {
      exposed.invoked.push([channel, arg])
      return { channel }
    },
    on: (event: string, fn: (...a: unknown[]) => void) => exposed.listeners.set(event, fn),
    removeListener: (event: string) => exposed.listeners.delete(event)
  }
}))

describe('contract', () => {
  it('has a handler for every channel and no handler without a channel', () => {
    const handlers = createHandlers()
    expect(Object.keys(handlers).sort()).toEqual([...channelNames].sort())
    for (const name of channelNames) expect(typeof handlers[name]).toBe('function')
  })

  it('preload exposes one invoking function per channel, and `on` with unsubscribe', async () => {
    await import('../../src-preload/index')
    const api = exposed.api!
    expect(Object.keys(api).sort()).toEqual([...channelNames, 'on'].sort())
    for (const name of channelNames) {
      await expect((api[name] as (a: unknown) => Promise<unknown>)({})).resolves.toEqual({
        channel: name
      })
    }
    expect(exposed.invoked.map(([c]) => c)).toEqual(channelNames)
    const seen: unknown[] = []
    const on = api.on as (e: string, fn: (p: unknown) => void) => () => void
    const off = on(eventNames[0], (p) => seen.push(p))
    exposed.listeners.get(eventNames[0])!({}, { jobId: 'x' })
    expect(seen).toEqual([{ jobId: 'x' }])
    off()
    expect(exposed.listeners.has(eventNames[0])).toBe(false)
    expect(() => on('nope:event', () => undefined)).toThrow(/Unknown event/)
  })

  it('validates arguments with a message naming the channel and the field', () => {
    expect(parseArg('merge:start', { root: '/x' })).toEqual({ root: '/x', mode: 'binary' })
    expect(() => parseArg('merge:start', { root: '/x', mode: 'blobs' })).toThrow(
      /Invalid argument for merge:start: .*mode/
    )
    expect(() => parseArg('dataset:open', {})).toThrow(/Invalid argument for dataset:open: .*dir/)
    const predict = parseArg('predict:start', { model: 'r', input: 'i', out: 'o' })
    expect(predict).toMatchObject({ overlap: 32, split: true, format: 'png' })
    // threshold and smallest object are left to the model's chosen values, else the fallback
    expect(predict).not.toHaveProperty('threshold')
    expect(predict).not.toHaveProperty('minSize')
  })

  it('train:start takes the training options strictly: unknown keys, cross-field rules', () => {
    expect(parseArg('train:start', { data: '/d' })).toEqual({ data: '/d', ...TRAIN_DEFAULTS })
    expect(() => parseArg('train:start', { data: '/d', lrr: 0.1 })).toThrow(
      /^Invalid argument for train:start: unknown option "lrr" \(did you mean "lr"\?\)$/
    )
    expect(() => parseArg('train:start', { data: '/d', augment: { flipp: false } })).toThrow(
      /augment: unknown option "flipp" \(did you mean "flip"\?\)/
    )
    expect(() => parseArg('train:start', { data: '/d', loss: 'ce' })).toThrow(
      /loss: loss "ce" \(cross-entropy\) is for multi-class runs and needs classes >= 2/
    )
    expect(() => parseArg('train:start', { data: '/d', classes: 3, loss: 'bce' })).toThrow(
      /loss: loss "bce" is for binary masks; a 3-class run needs ce, focal, dice/
    )
    expect(() => parseArg('train:start', { data: '/d', backend: 'cuda' })).toThrow(/backend: /)
    try {
      parseArg('train:start', { data: '/d', epoch: 3 })
      expect.unreachable()
    } catch (err) {
      expect((err as Error).name).toBe('OptionsError')
    }
  })

  it('predict:start and merge:start refuse unknown keys too', () => {
    const predict = { model: '/r', input: '/i', out: '/o' }
    expect(() => parseArg('predict:start', { ...predict, treshold: 0.3 })).toThrow(
      /unknown option "treshold" \(did you mean "threshold"\?\)/
    )
    expect(() => parseArg('merge:start', { root: '/d', sizes: 64 })).toThrow(
      /unknown option "sizes" \(did you mean "size"\?\)/
    )
    expect(() => parseArg('train:resume', { runDir: '/r', epochs: 9 })).toThrow(
      /unknown option "epochs"/
    )
  })
})
