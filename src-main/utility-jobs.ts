/**
 * Electron job transport: runs the built `job-worker` entry in a utilityProcess. The handle
 * (settle, stop, close, kill) is the same as for `child_process.fork` (`jobs/job-handle.ts`).
 */
import { utilityProcess } from 'electron'
import { join } from 'node:path'
import { createJobHandle, type JobTransport } from './jobs/job-handle'
import type { StartJob } from './services/job-service'

/** Path of the bundled worker next to the main bundle (`out/main/job-worker.js`). */
export function utilityWorkerPath(): string {
  return join(import.meta.dirname, 'job-worker.js')
}

function utilityTransport(serviceName: string): JobTransport {
  const child = utilityProcess.fork(utilityWorkerPath(), [], { serviceName, stdio: 'inherit' })
  let alive = true
  child.on('exit', () => (alive = false))
  return {
    get pid() {
      return child.pid
    },
    post: (msg) => {
      if (alive) child.postMessage(msg)
    },
    kill: () => void child.kill(),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', (code) => listener(`code ${code}`))
  }
}

/** Starts a job in an Electron utility process. */
export const startUtilityJob: StartJob = (jobId, spec, onEvent) =>
  createJobHandle(jobId, spec, () => utilityTransport(`unet-studio ${spec.kind}`), onEvent)
