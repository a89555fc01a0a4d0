/** A fake API for store and component tests: canned channel answers plus emit-able events. */
import type { ChannelFunctions, EventSubscription } from '../../src-preload/contract'

type Listener = (payload: unknown) => void

/** A fake Api: `calls` records requests, `emit` pushes events to subscribers. */
export type FakeApi = Partial<ChannelFunctions> &
  EventSubscription & {
    calls: { channel: string; arg: unknown }[]
    emit(event: string, payload: unknown): void
  }

/** Builds a fake whose channels answer from `answers` (a value or a function of the argument). */
export function fakeApi(answers: Record<string, unknown>): FakeApi {
  const listeners = new Map<string, Set<Listener>>()
  const calls: { channel: string; arg: unknown }[] = []
  const channels: Record<string, (arg: unknown) => Promise<unknown>> = {}
  for (const [channel, answer] of Object.entries(answers)) {
    channels[channel] = async (arg: unknown) => {
      calls.push({ channel, arg })
      if (answer instanceof Error) throw answer
      return typeof answer === 'function' ? (answer as (a: unknown) => unknown)(arg) : answer
    }
  }
  const on: EventSubscription['on'] = (event, listener) => {
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }
  return Object.assign(channels as Partial<ChannelFunctions>, {
    calls,
    on,
    emit(event: string, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload)
    }
  })
}

/** Sample rows s0000… of a fake dataset: every third unlabelled, the others labelled. */
export function sampleRows(from: number, to: number) {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k
    return {
      id: `s${String(i).padStart(4, '0')}`,
      width: 256,
      height: 256,
      status: i % 3 === 0 ? 'unlabelled' : 'labelled'
    }
  })
}

/** A DatasetInfo with `n` samples named s0000…, the first `first` of them on its first page. */
export function datasetInfo(n: number, root = '/data/dsb', first = n) {
  const unlabelled = Math.ceil(n / 3)
  return {
    root,
    layout: 'dsb2018',
    sampleCount: n,
    sizes: [{ width: 256, height: 256, count: n }],
    sizesChecked: n,
    channels: 3,
    maskKind: 'per-instance-files',
    counts: { labelled: n - unlabelled, unlabelled, edited: 0, predicted: 0 },
    problems: [],
    problemCount: 0,
    samples: sampleRows(0, Math.min(n, first))
  }
}

/** A `dataset:page` answer for {@link datasetInfo}'s dataset of `n` samples. */
export function datasetPage(n: number, root = '/data/dsb') {
  return (a: { offset: number; limit: number }) => ({
    root,
    offset: a.offset,
    total: n,
    samples: sampleRows(a.offset, Math.min(n, a.offset + a.limit))
  })
}
