/**
 * Child-process entry for long jobs. Works under `child_process.fork` (`process.send` /
 * `process.on('message')`) and Electron's utilityProcess (`process.parentPort`). Runs one job,
 * then exits; a `stop` message aborts the job's signal so it finishes its step and saves first.
 */
import { hostMessage, type JobEvent } from '../../src-preload/job-events'
import { issuesText } from '../../src-preload/options/common'
import { runJob } from './run-job'

/** Electron's utilityProcess end of the channel to the host. */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(msg: unknown): void
}

function isParentPort(value: unknown): value is ParentPort {
  return (
    typeof value === 'object' &&
    value !== null &&
    'postMessage' in value &&
    typeof value.postMessage === 'function' &&
    'on' in value &&
    typeof value.on === 'function'
  )
}

const parentPort: unknown = Reflect.get(process, 'parentPort')
const port = isParentPort(parentPort) ? parentPort : null
const stop = new AbortController()
let started = false

function send(event: JobEvent): Promise<void> {
  if (port) {
    port.postMessage(event)
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    if (!process.send) return resolve()
    process.send(event, undefined, {}, () => resolve())
  })
}

async function fail(err: unknown): Promise<never> {
  const e = err instanceof Error ? err : new Error(String(err))
  await send({
    type: 'error',
    message: `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`,
    stack: e.stack
  })
  process.exit(1)
}

function handle(raw: unknown): void {
  const parsed = hostMessage.safeParse(raw)
  if (!parsed.success) {
    void fail(new Error(`bad message from the job host: ${issuesText(parsed.error, hostMessage)}`))
    return
  }
  const msg = parsed.data
  if (msg.type === 'stop') stop.abort()
  else if (!started) {
    started = true
    const ctx = { jobId: msg.jobId, send: (e: JobEvent) => void send(e), signal: stop.signal }
    runJob(msg.spec, ctx).then(async (result) => {
      await send({ type: 'done', result })
      process.exit(0)
    }, fail)
  }
}

if (port) port.on('message', (e) => handle(e.data))
else process.on('message', handle)
