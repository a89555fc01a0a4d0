/** A fake API for store and component tests: canned channel answers plus emit-able events. */
type Listener = (payload: unknown) => void

/** A fake Api: `calls` records requests, `emit` pushes events to subscribers. */
export interface FakeApi {
  calls: { channel: string; arg: unknown }[]
  emit(event: string, payload: unknown): void
  [channel: string]: unknown
}

/** Builds a fake whose channels answer from `answers` (a value or a function of the argument). */
export function fakeApi(answers: Record<string, unknown>): FakeApi {
  const listeners = new Map<string, Set<Listener>>()
  const calls: { channel: string; arg: unknown }[] = []
  const api: FakeApi = {
    calls,
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload)
    },
    on(event: string, listener: Listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    }
  }
  for (const [channel, answer] of Object.entries(answers)) {
    api[channel] = async (arg: unknown) => {
      calls.push({ channel, arg })
      if (answer instanceof Error) throw answer
      return typeof answer === 'function' ? (answer as (a: unknown) => unknown)(arg) : answer
    }
  }
  return api
}

/** A DatasetInfo with `n` samples named s0000…, all labelled. */
export function datasetInfo(n: number, root = '/data/dsb') {
  return {
    root,
    layout: 'dsb2018',
    sampleCount: n,
    sizes: [{ width: 256, height: 256, count: n }],
    maskKind: 'per-instance-files',
    problems: [],
    samples: Array.from({ length: n }, (_, i) => ({
      id: `s${String(i).padStart(4, '0')}`,
      width: 256,
      height: 256,
      status: i % 3 === 0 ? 'unlabelled' : 'labelled'
    }))
  }
}
