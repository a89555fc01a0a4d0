/** The best model of a run (`model/`) and the record of which epoch it holds (`best.json`). */
import { join } from 'node:path'
import { inferenceView } from '../models'
import { modelFolderProblem } from '../models/model-files'
import { readJsonSync } from '../models/model-files'
import { saveModel } from '../models/model-io'
import type { tf } from '../backend/tf'
import type { CheckpointState } from './checkpoint'

/** File inside `model/` naming the epoch and scores of the best model. */
export const BEST_JSON = 'best.json'

/** What `model/best.json` holds. */
export interface BestRecord {
  epoch: number
  /** The monitored value (validation loss, or training loss without validation images). */
  monitored: number
  valIou: number
  valDice: number
}

/** Saves the model's inference view into `dir` with its `best.json`, atomically. */
export async function saveBestModel(
  model: tf.LayersModel,
  dir: string,
  state: CheckpointState
): Promise<void> {
  const record: BestRecord = {
    epoch: state.schedule.bestEpoch,
    monitored: state.schedule.best,
    valIou: state.bestValIou,
    valDice: state.bestValDice
  }
  await saveModel(inferenceView(model), dir, { [BEST_JSON]: JSON.stringify(record, null, 2) })
}

/** The best model's record, or null when `model/` is missing, incomplete or has no record. */
export function readBestRecord(dir: string): BestRecord | null {
  if (modelFolderProblem(dir) !== null) return null
  const json = readJsonSync(join(dir, BEST_JSON))
  return 'value' in json ? (json.value as BestRecord) : null
}

/** The epoch `model/` holds, or null when unknown. */
export function bestModelEpoch(dir: string): number | null {
  return readBestRecord(dir)?.epoch ?? null
}
