import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { HostMessage, WorkerMessage } from './protocol'

/** A running job: ask it to stop cleanly, kill it, or await its result. */
export interface JobHandle {
  /** Ask the worker to finish its current step, save, and exit. */
  stop(): void
  /** Kill the worker at once (anything not yet saved is lost). */
  kill(): void
  /** Resolves with the job's result; rejects on an error message or an unexpected exit. */
  done: Promise<unknown>
  child: ChildProcess
}

/** The worker entry (for `fork` or Electron's `utilityProcess.fork`): .ts under tsx, else .js. */
export function workerEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts')
  const path = fileURLToPath(
    new URL(fromSource ? './job-worker.ts' : './job-worker.js', import.meta.url)
  )
  if (!existsSync(path)) throw new Error(`job worker not found at ${path}`)
  return { path, execArgv: fromSource ? ['--import', 'tsx'] : [] }
}

/** Start a job of `kind` in a child process (`child_process.fork`); every message goes to `onMessage`. */
export function startJob(
  kind: string,
  config: unknown,
  onMessage: (msg: WorkerMessage) => void = () => undefined
): JobHandle {
  const entry = workerEntry()
  const child = fork(entry.path, [], {
    execArgv: entry.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const post = (msg: HostMessage) => {
    if (child.connected) child.send(msg)
  }
  const done = new Promise<unknown>((resolve, reject) => {
    let settled = false
    child.on('message', (raw) => {
      const msg = raw as WorkerMessage
      onMessage(msg)
      if (msg.type === 'done') {
        settled = true
        resolve(msg.result)
      } else if (msg.type === 'error') {
        settled = true
        reject(new Error(msg.message))
      }
    })
    child.on('error', (err) => {
      if (!settled) reject(err)
      settled = true
    })
    child.on('exit', (code, signal) => {
      if (!settled)
        reject(new Error(`job worker exited (${signal ?? `code ${code}`}) before finishing`))
      settled = true
    })
  })
  post({ type: 'start', kind, config })
  return { stop: () => post({ type: 'stop' }), kill: () => child.kill('SIGKILL'), done, child }
}
