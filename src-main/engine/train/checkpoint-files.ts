/**
 * Whether a checkpoint folder (`last/`) is complete, without loading TensorFlow.js: the model
 * files match their manifest, the optimizer bytes match theirs, and the state reads.
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { modelFolderProblem, readJsonSync, specBytes, type WeightSpec } from '../models/model-files'

/** Training state file of a checkpoint. */
export const STATE_JSON = 'state.json'
/** Optimizer slot bytes of a checkpoint. */
export const OPT_BIN = 'optimizer.bin'
/** Optimizer slot manifest of a checkpoint. */
export const OPT_JSON = 'optimizer.json'

/** Why `dir` is not a complete checkpoint, or null when it is. */
export function checkpointProblem(dir: string): string | null {
  const model = modelFolderProblem(dir)
  if (model) return model
  const state = readJsonSync(join(dir, STATE_JSON))
  if ('problem' in state) return state.problem
  if (!Number.isInteger((state.value as { epoch?: unknown }).epoch))
    return `${join(dir, STATE_JSON)} has no epoch`
  const opt = readJsonSync(join(dir, OPT_JSON))
  if ('problem' in opt) return opt.problem
  const specs = (opt.value as { specs?: WeightSpec[] }).specs
  const bytes = Array.isArray(specs) ? specBytes(specs) : 'no specs'
  if (typeof bytes === 'string') return `${join(dir, OPT_JSON)}: ${bytes}`
  let size: number
  try {
    size = statSync(join(dir, OPT_BIN)).size
  } catch {
    return `${join(dir, OPT_BIN)} is missing`
  }
  return size === bytes
    ? null
    : `${join(dir, OPT_BIN)} holds ${size} bytes but its manifest needs ${bytes}`
}

/** Whether `dir` holds a complete checkpoint (weights and optimizer match their manifests). */
export function hasCheckpoint(dir: string): boolean {
  return checkpointProblem(dir) === null
}
