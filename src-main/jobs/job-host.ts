/** Jobs in a `child_process.fork` worker (CLI, web host, tests); Electron uses `utility-jobs.ts`. */
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { JobEvent, JobKind, JobSpecInput } from '../../src-preload/job-events'
import { createJobHandle, type JobHandle, type JobTransport } from './job-handle'

export type { JobHandle, JobTransport } from './job-handle'

/** A new job id: the kind, the time and a little randomness (`train-m1x2y3-a1b2c3`). */
export function newJobId(kind: JobKind): string {
  return `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
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

/** A forked Node worker as a {@link JobTransport}. */
export function forkTransport(): JobTransport {
  const entry = workerEntry()
  const child = fork(entry.path, [], {
    execArgv: entry.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  return {
    get pid() {
      return child.pid
    },
    post: (msg) => {
      if (child.connected) child.send(msg)
    },
    kill: () => void child.kill('SIGKILL'),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => {
      child.on('error', (err) => listener(`could not start: ${err.message}`))
      child.on('exit', (code, signal) => listener(signal ?? `code ${code}`))
    }
  }
}

/** Starts a job in a forked worker; every validated event goes to `onEvent`. */
export function startJob(
  spec: JobSpecInput,
  onEvent?: (event: JobEvent) => void,
  jobId = newJobId(spec.kind)
): JobHandle {
  return createJobHandle(jobId, spec, forkTransport, onEvent)
}
