import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileSynced } from '../../data/atomic-write'
import { folderWriter, loadModel, writeFolderAtomic } from '../models/model-io'
import { checkpointProblem, OPT_BIN, OPT_JSON, STATE_JSON as STATE } from './checkpoint-files'
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

export { checkpointProblem, hasCheckpoint } from './checkpoint-files'

/**
 * Write `last/` atomically: full model, optimizer slots and training state, or nothing; every
 * file and the folder are flushed to disk before the rename.
 */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState
): Promise<void> {
  const opt = await saveOptimizerState(optimizer)
  await writeFolderAtomic(dir, async (tmp) => {
    await model.save(folderWriter(tmp))
    await writeFileSynced(join(tmp, OPT_BIN), new Uint8Array(opt.data))
    await writeFileSynced(join(tmp, OPT_JSON), JSON.stringify({ specs: opt.specs }))
    await writeFileSynced(join(tmp, STATE), JSON.stringify(state, null, 2))
  })
}

/** Load `last/`: the model, the saved state, and a function restoring the optimizer slots. */
export async function loadCheckpoint(dir: string): Promise<{
  model: tf.LayersModel
  state: CheckpointState
  restoreOptimizer: (opt: tf.Optimizer) => Promise<void>
}> {
  const problem = checkpointProblem(dir)
  if (problem) throw new Error(`incomplete or missing checkpoint: ${problem}`)
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
