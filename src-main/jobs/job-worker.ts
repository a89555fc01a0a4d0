/**
 * Child-process entry for long jobs (see `protocol.ts`). Works under `child_process.fork`
 * (`process.send` / `process.on('message')`) and Electron's utilityProcess (`process.parentPort`).
 * Runs one job, then exits; a `stop` message lets the job finish its step and save before exiting.
 */
import { JOB_KINDS } from './job-kinds'
import { isHostMessage, type HostMessage, type WorkerMessage } from './protocol'

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(msg: unknown): void
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort
let stopRequested = false
let started = false

function send(msg: WorkerMessage): Promise<void> {
  if (port) {
    port.postMessage(msg)
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    if (!process.send) return resolve()
    process.send(msg, undefined, {}, () => resolve())
  })
}

async function run(kind: string, config: unknown): Promise<void> {
  try {
    const load = JOB_KINDS[kind]
    if (!load)
      throw new Error(`unknown job kind "${kind}" (known: ${Object.keys(JOB_KINDS).join(', ')})`)
    const runner = await load()
    const result = await runner(config, {
      send: (m) => void send(m),
      shouldStop: () => stopRequested
    })
    await send({ type: 'done', result })
    process.exit(0)
  } catch (err) {
    const e = err as Error
    await send({ type: 'error', message: e?.message ?? String(err), stack: e?.stack })
    process.exit(1)
  }
}

function handle(msg: unknown): void {
  if (!isHostMessage(msg)) return
  const m = msg as HostMessage
  if (m.type === 'stop') stopRequested = true
  else if (!started) {
    started = true
    void run(m.kind, m.config)
  }
}

if (port) port.on('message', (e) => handle(e.data))
else process.on('message', handle)
