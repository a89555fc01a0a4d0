/**
 * Electron job launcher: runs the built `job-worker` entry in a utilityProcess and speaks the
 * same protocol as `jobs/job-host.ts` (which uses child_process.fork outside Electron).
 */
import { utilityProcess } from 'electron'
import { join } from 'node:path'
import type { HostMessage, WorkerMessage } from './jobs/protocol'
import type { RunningJob, StartJob } from './services/job-service'

/** Path of the bundled worker next to the main bundle (`out/main/job-worker.js`). */
export function utilityWorkerPath(): string {
  return join(import.meta.dirname, 'job-worker.js')
}

/** Starts a job of `kind` in an Electron utility process. */
export const startUtilityJob: StartJob = (kind, config, onMessage): RunningJob => {
  const child = utilityProcess.fork(utilityWorkerPath(), [], {
    serviceName: `unet-studio ${kind}`,
    stdio: 'inherit'
  })
  let alive = true
  const post = (msg: HostMessage) => {
    if (alive) child.postMessage(msg)
  }
  const done = new Promise<unknown>((resolve, reject) => {
    let settled = false
    child.on('message', (raw: unknown) => {
      const msg = raw as WorkerMessage
      onMessage(msg)
      if (msg.type !== 'done' && msg.type !== 'error') return
      settled = true
      if (msg.type === 'done') resolve(msg.result)
      else reject(new Error(msg.message))
    })
    child.on('exit', (code) => {
      alive = false
      if (!settled) reject(new Error(`job worker exited (code ${code}) before finishing`))
      settled = true
    })
  })
  post({ type: 'start', kind, config })
  return { stop: () => post({ type: 'stop' }), kill: () => void child.kill(), done }
}
