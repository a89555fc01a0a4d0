import { readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { folderWriter, loadModel, writeFolderAtomic } from '../models/model-io'
import { loadOptimizerState, saveOptimizerState } from './optimizer'
import type { ScheduleState } from './lr-schedule'
import type { tf } from '../backend/tf'

/** Training state saved next to the weights in `last/`. */
export interface CheckpointState {
  /** Completed epochs (resume starts at epoch + 1). */
  epoch: number
  /** Generator state at the start of the next epoch. */
  prng: number[]
  schedule: ScheduleState
  bestValIou: number
  bestValDice: number
  /** Set when stopped mid-epoch: where epoch `epoch + 1` continues (generator, sums so far). */
  partial?: {
    step: number
    prng: number[]
    lossSum: number
    seen: number
    confusion: number[]
    seconds: number
  }
  /** Training seconds so far, summed over sessions. */
  seconds: number
  savedAt: string
}

const STATE = 'state.json'
const OPT_BIN = 'optimizer.bin'
const OPT_JSON = 'optimizer.json'

/** Write `last/` atomically: full model, optimizer slots and training state, or nothing. */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState
): Promise<void> {
  const opt = await saveOptimizerState(optimizer)
  await writeFolderAtomic(dir, async (tmp) => {
    await model.save(folderWriter(tmp))
    await writeFile(join(tmp, OPT_BIN), new Uint8Array(opt.data))
    await writeFile(join(tmp, OPT_JSON), JSON.stringify({ specs: opt.specs }))
    await writeFile(join(tmp, STATE), JSON.stringify(state, null, 2))
  })
}

/** Whether `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return [STATE, OPT_BIN, OPT_JSON, 'model.json'].every((f) => existsSync(join(dir, f)))
}

/** Load `last/`: the model, the saved state, and a function restoring the optimizer slots. */
export async function loadCheckpoint(dir: string): Promise<{
  model: tf.LayersModel
  state: CheckpointState
  restoreOptimizer: (opt: tf.Optimizer) => Promise<void>
}> {
  if (!hasCheckpoint(dir)) throw new Error(`${dir}: incomplete or missing checkpoint`)
  const state = JSON.parse(await readFile(join(dir, STATE), 'utf8')) as CheckpointState
  const { specs } = JSON.parse(await readFile(join(dir, OPT_JSON), 'utf8'))
  const bytes = await readFile(join(dir, OPT_BIN))
  const data = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength
  ) as ArrayBuffer
  const model = await loadModel(dir)
  return { model, state, restoreOptimizer: (opt) => loadOptimizerState(opt, { specs, data }) }
}
