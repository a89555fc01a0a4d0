/**
 * Job events cross every boundary unchanged: from a worker through the job handle, the registry
 * and the web host's WebSocket (real), and through IPC and the preload with Electron stubbed. A
 * malformed event from a worker is refused by name and never reaches a client.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import type { EventPayload, JobEvent } from '../../src-preload/contract'
import { createHandlers, type HandlerContext } from '../../src-main/handlers'
import { createJobHandle } from '../../src-main/jobs/job-handle'
import { JobRegistry } from '../../src-main/services/job-service'
import { startWebHost, type WebHost } from '../../src-main/web-host'
import { jobEventRecords, recordingContext } from './handlers-support'
import {
  EVAL_EVENTS,
  MERGE_DONE,
  MERGE_EVENTS,
  PREDICT_EVENTS,
  scriptedLauncher,
  scriptedTransport,
  TRAIN_EVENTS
} from './jobs/scripted-jobs'

const electron = vi.hoisted(() => ({
  api: null as Record<string, (arg?: unknown) => unknown> | null,
  mainHandlers: new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>(),
  rendererListeners: new Map<string, Set<(e: unknown, payload: unknown) => void>>()
}))

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: Record<string, (arg?: unknown) => unknown>) => {
      if (key === 'api') electron.api = api
    }
  },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, arg: unknown) => Promise<unknown>) =>
      electron.mainHandlers.set(channel, fn)
  },
  ipcRenderer: {
    invoke: (channel: string, arg: unknown) =>
      electron.mainHandlers.get(channel)!(
        { sender: { id: 1 }, senderFrame: { ...fakeWindow.webContents.mainFrame } },
        structuredClone(arg)
      ),
    on: (event: string, fn: (e: unknown, payload: unknown) => void) => {
      const set = electron.rendererListeners.get(event) ?? new Set()
      electron.rendererListeners.set(event, set)
      set.add(fn)
    },
    removeListener: (event: string, fn: (e: unknown, payload: unknown) => void) =>
      electron.rendererListeners.get(event)?.delete(fn)
  }
}))

/** The window the stubbed IPC sends to: `webContents.send` clones, as Electron does. */
const fakeWindow = {
  isDestroyed: () => false,
  webContents: {
    id: 1,
    mainFrame: { processId: 1, routingId: 1, url: 'app://renderer/index.html' },
    send: (event: string, payload: unknown) => {
      for (const fn of electron.rendererListeners.get(event) ?? []) fn({}, structuredClone(payload))
    }
  }
}

const scripts = {
  train: TRAIN_EVENTS,
  predict: PREDICT_EVENTS,
  merge: MERGE_EVENTS,
  eval: EVAL_EVENTS
}
let temp: string
let data: string
let model: string
let host: WebHost

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'job-events-'))
  data = join(temp, 'data')
  model = join(temp, 'model')
  await mkdir(data)
  await mkdir(model)
  await writeFile(join(model, 'config.json'), JSON.stringify({ data, split: { val: [] } }))
  host = await startWebHost({
    staticDir: data,
    handlers: createHandlers({ jobs: new JobRegistry(), allow: [model] }),
    version: 'test',
    initialDataset: data,
    token: 't',
    startJob: scriptedLauncher(scripts)
  })
})
afterAll(async () => {
  await host?.close()
  await rm(temp, { recursive: true, force: true })
})

/** Starts one job of each kind and resolves with each job's events as they arrived. */
async function runAll(
  call: (channel: string, arg: object) => Promise<{ jobId: string }>,
  events: EventPayload<'job:event'>[]
): Promise<Record<string, JobEvent[]>> {
  const ids = {
    train: (await call('train:start', { data, size: 32, depth: 2 })).jobId,
    predict: (await call('predict:start', { model, input: data, out: `${data}-predictions` }))
      .jobId,
    merge: (await call('merge:start', { root: data, mode: 'boundary' })).jobId,
    eval: (await call('eval:start', { model, data, out: join(model, 'eval') })).jobId
  }
  await vi.waitFor(() => {
    for (const id of Object.values(ids))
      expect(events.some((e) => e.jobId === id && ['done', 'error'].includes(e.event.type))).toBe(
        true
      )
  })
  return Object.fromEntries(
    Object.entries(ids).map(([kind, id]) => {
      const mine = events.filter((e) => e.jobId === id)
      for (const e of mine) expect(e.kind).toBe(kind)
      return [kind, mine.map((e) => e.event)]
    })
  )
}

describe('job events', () => {
  it('round-trip through the web host unchanged, every kind', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=t`)
    await new Promise((resolve) => ws.once('open', resolve))
    const events: EventPayload<'job:event'>[] = []
    const replies = new Map<number, (r: { result?: { jobId: string }; error?: string }) => void>()
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw))
      if (frame.event === 'job:event') events.push(frame.payload)
      else replies.get(frame.id)?.(frame)
    })
    let id = 0
    const call = (channel: string, arg: object) =>
      new Promise<{ jobId: string }>((resolve, reject) => {
        replies.set(++id, (r) => (r.result ? resolve(r.result) : reject(new Error(r.error))))
        ws.send(JSON.stringify({ id, channel, arg }))
      })
    expect(await runAll(call, events)).toEqual(scripts)
    ws.close()
  })

  it('round-trip through IPC and the preload unchanged, every kind', async () => {
    const { registerIpc } = await import('../../src-main/ipc')
    const ctx: Omit<HandlerContext, 'emit'> = {
      host: 'electron',
      version: 'test',
      initialDataset: data,
      startJob: scriptedLauncher(scripts)
    }
    const jobs = new JobRegistry()
    const handlers = createHandlers({ jobs, allow: [model] })
    registerIpc(() => fakeWindow as never, handlers, ctx, ['app://renderer'], jobs)
    await import('../../src-preload/index')
    const api = electron.api!
    const events: EventPayload<'job:event'>[] = []
    const on = api.on as (e: string, fn: (p: EventPayload<'job:event'>) => void) => () => void
    const off = on('job:event', (p) => events.push(p))
    const call = (channel: string, arg: object) => api[channel](arg) as Promise<{ jobId: string }>
    expect(await runAll(call, events)).toEqual(scripts)
    off()
  })

  it('refuses a malformed event from a worker by name; no client ever sees it', async () => {
    const cases: [unknown[], RegExp][] = [
      [[{ type: 'step', epoch: 'one' }], /step.*epoch|epoch.*expected number/],
      [[{ type: 'progress', done: 1, total: 2, item: 'a', bogus: 1 }], /unknown option "bogus"/],
      [[{ type: 'shout', message: 'hi' }], /type/],
      [[MERGE_DONE], /a merge result from a train job/],
      [['backend wasm'], /expected object/]
    ]
    for (const [script, reason] of cases) {
      const jobs = new JobRegistry()
      const { ctx, events } = recordingContext()
      const record = { posted: [] as unknown[], killed: false }
      const jobId = jobs.start(
        { kind: 'train', resume: true, options: { out: '/runs/a' } },
        ctx.emit,
        (id, spec, onEvent) =>
          createJobHandle(id, spec, () => scriptedTransport(script, record), onEvent)
      )
      const jobEvents = () => jobEventRecords(events)
      await vi.waitFor(() => expect(jobEvents()).toHaveLength(1))
      const [only] = jobEvents()
      expect(only.payload).toMatchObject({ jobId, kind: 'train', event: { type: 'error' } })
      const message = only.payload.event.type === 'error' ? only.payload.event.message : ''
      expect(message).toMatch(
        /^MalformedJobEventError: job train-\S+ \(train\) sent a malformed event: /
      )
      expect(message).toMatch(reason)
      expect(record.killed).toBe(true)
      expect(jobs.running()).toEqual([])
    }
  })

  it('ends a job whose worker dies before finishing with an error event', async () => {
    const jobs = new JobRegistry()
    const { ctx, events } = recordingContext()
    jobs.start(
      { kind: 'merge', options: { root: '/d', out: '/o' } },
      ctx.emit,
      scriptedLauncher({})
    )
    const jobEvents = () => jobEventRecords(events)
    await vi.waitFor(() => expect(jobEvents()).toHaveLength(1))
    expect(jobEvents()[0].payload).toMatchObject({
      event: { type: 'error', message: 'job worker exited (code 0) before finishing' }
    })
  })
})
