import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { type RunConfig, validateConfig } from '../../../../src-main/engine/config'
import { saveModel } from '../../../../src-main/engine/models/model-io'
import { tf } from '../../../../src-main/engine/backend/tf'
import { DSB_ROOT } from '../postprocess/helpers'

/** Fluorescence DSB2018 samples (bright nuclei on a dark background). */
export const FLUO_IDS = [
  '0287e7ee5b007c91ae2bd7628d09735e70496bc6127ecb7f3dd043e04ce37426',
  '04acab7636c4cf61d288a5962f15fa456b7bde31a021e5deedfbf51288e4001e',
  '05a8f65ebd0b30d3b210f30b4d640c847c2e710d0d135e0aeeaccbe1988e3b6e'
]

/**
 * Write a run folder holding a hand-set model: a 1×1 convolution whose logit is 4 × the
 * standardised mean intensity, i.e. "brighter than the image mean is nucleus" — a real, if
 * simple, nucleus segmenter for fluorescence images, with the run-folder layout of training.
 * `extra` is merged into its config.json.
 */
export async function writeThresholdRun(
  dir: string,
  extra: Partial<RunConfig> = {}
): Promise<void> {
  await initBackend()
  const input = tf.input({ shape: [null, null, 3] })
  const conv = tf.layers.conv2d({ filters: 1, kernelSize: 1, useBias: true })
  const model = tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor })
  conv.setWeights([tf.fill([1, 1, 3, 1], 4 / 3), tf.scalar(-1.5).reshape([1])])
  await mkdir(join(dir, 'model'), { recursive: true })
  await saveModel(model, join(dir, 'model'))
  model.dispose()
  const base = validateConfig({ data: DSB_ROOT, out: dir, size: 64, depth: 2 })
  const config: RunConfig = {
    ...base,
    target: 'binary',
    version: 1,
    channels: 3,
    output: 'logits',
    normalization: 'per-image-standardize',
    foreground: 'nuclei',
    split: { train: [], val: [] },
    createdAt: new Date(0).toISOString(),
    ...extra
  }
  await writeFile(join(dir, 'config.json'), JSON.stringify(config))
}

/** Copy the fluorescence images into `dir` as flat files `<id>.png`. */
export async function copyImages(dir: string, ids = FLUO_IDS): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const id of ids)
    await copyFile(join(DSB_ROOT, id, 'images', `${id}.png`), join(dir, `${id}.png`))
}
