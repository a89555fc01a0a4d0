/**
 * Fine-tuning from an existing model (`init`): the settings the new run takes from that model's
 * config.json, and the checks that its weights fit (architecture, input channels, label type).
 * Plain file reads; the weights are copied by `init-weights.ts`.
 */
import { INIT_DEFAULTED, INIT_INHERITED } from '../../../src-preload/options/train'
import type { RunConfig, TrainConfig, TrainConfigInput } from '../config'
import { labelTypeOf, resolveModelFolder } from '../model-folder'
import { readRunConfig } from '../run-store'

/** The model to start from does not fit the run asked for; the message names both and the field. */
export class InitMismatchError extends Error {
  override name = 'InitMismatchError'
}

/** The init model: its run folder, where its weights load from, and its config. */
export interface InitModel {
  runDir: string
  weightsDir: string
  config: RunConfig
}

/** Opens the model to start from: a run or model folder with weights. */
export async function openInitModel(path: string): Promise<InitModel> {
  const { runDir, weightsDir } = await resolveModelFolder(path)
  if (!weightsDir)
    throw new InitMismatchError(
      `--init ${runDir}: the model has no weights yet (no model/ or last/)`
    )
  return { runDir, weightsDir, config: await readRunConfig(runDir) }
}

const show = (v: unknown) => JSON.stringify(v)

/** The label type fields a model's outputs depend on, beyond the inherited settings. */
const LABEL_FIELDS = ['target', 'separation'] as const

/**
 * The training input with the init model's architecture and label type filled in where the input
 * leaves them out; a given value that differs is an {@link InitMismatchError} naming the field.
 * Its patch size, dropout and loss are the defaults (free to change). `init` becomes the model's
 * run folder.
 */
export async function withInitSettings<T extends Partial<TrainConfigInput>>(
  input: T & { init: string }
): Promise<T & { init: string }> {
  const init = await openInitModel(input.init)
  const merged: Record<string, unknown> = { ...input, init: init.runDir }
  const from = init.config as unknown as Record<string, unknown>
  for (const field of INIT_DEFAULTED)
    if (merged[field] === undefined && from[field] !== undefined) merged[field] = from[field]
  for (const field of [...INIT_INHERITED, ...LABEL_FIELDS]) {
    if (from[field] === undefined) continue
    const given = merged[field]
    if (given === undefined) merged[field] = from[field]
    else if (show(given) !== show(from[field]))
      throw new InitMismatchError(
        `cannot fine-tune from ${init.runDir}: its ${field} is ${show(from[field])}, ` +
          `this run asks for ${show(given)} (leave ${field} out to keep the model's)`
      )
  }
  return merged as T & { init: string }
}

/**
 * Checks a new run's full config against its init model: the same architecture, label type and
 * input channels (the dataset's images against the model's), each mismatch named.
 */
export function checkInitFits(config: TrainConfig & { channels: number }, init: InitModel): void {
  const want = config as unknown as Record<string, unknown>
  const have = init.config as unknown as Record<string, unknown>
  for (const field of [...INIT_INHERITED, ...LABEL_FIELDS]) {
    if (have[field] === undefined) continue
    if (show(want[field]) !== show(have[field]))
      throw new InitMismatchError(
        `cannot fine-tune from ${init.runDir}: its ${field} is ${show(have[field])}, this run's ` +
          `is ${show(want[field])}`
      )
  }
  if (config.channels !== init.config.channels)
    throw new InitMismatchError(
      `cannot fine-tune from ${init.runDir}: the model takes ${init.config.channels}-channel ` +
        `images, the images of ${config.data} have ${config.channels}`
    )
  const a = labelTypeOf(init.config)
  const b = labelTypeOf(config)
  if (a !== b)
    throw new InitMismatchError(
      `cannot fine-tune from ${init.runDir}: it predicts ${a} labels, this run trains ${b}`
    )
}
