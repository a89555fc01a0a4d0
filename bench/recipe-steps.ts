/**
 * The DSB2018 recipe's training set-up in this process, for benches that run its steps one at a
 * time: what `train --size 96 --base 16 --patches 4 --batch 8 --seed 41` starts from.
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tf } from '../src-main/engine/backend/tf'
import { createModel } from '../src-main/engine/models'
import { createOptimizer } from '../src-main/engine/train/optimizer'
import { randomPatches } from '../src-main/engine/train/samples'
import { CLI_JOB_ID } from '../src-main/engine/train/train-run'
import { loadSplit, prepareRun } from '../src-main/engine/train/train-setup'
import { Prng } from '../src-main/engine/prng'
import { recipeData } from './recipe'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * A new seed-41 run in `out` (locked until the caller releases `lock`): its split loaded, the
 * model, Adam, the loss options, and the first epoch's shuffled patches with the generator that
 * drew them (augmentation draws from it next, as in an epoch of `train`).
 */
export async function recipeSteps(out: string, log: (line: string) => void) {
  const input = {
    data: recipeData(ROOT),
    out,
    size: 96,
    base: 16,
    epochs: 1,
    patches: 4,
    batch: 8,
    seed: 41,
    backend: 'wasm' as const
  }
  const { config, samples, lock } = await prepareRun(input, false, log, CLI_JOB_ID)
  try {
    const data = await loadSplit(config, samples, log)
    const lossOpts = { loss: config.loss, classes: 1, ignoreIndex: -1, focalGamma: 2 }
    const model = createModel(config)
    const optimizer = createOptimizer('adam', config.lr)
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
    const rng = new Prng(config.seed)
    const refs = rng.shuffle(randomPatches(data.train, config.size, config.patches, rng))
    return { config, data, lossOpts, model, optimizer, vars, rng, refs, lock }
  } catch (error) {
    await lock.release()
    throw error
  }
}
