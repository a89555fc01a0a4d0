import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { tf } from '../backend/tf'
import './index.ts'

/** Topology + weights manifest file of a model folder. */
export const MODEL_JSON = 'model.json'
/** Weight bytes file of a model folder. */
export const WEIGHTS_BIN = 'weights.bin'

/** Flatten weight data (one buffer or several) into one buffer. */
function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0)
  const parts = Array.isArray(data) ? data : [data]
  const total = parts.reduce((n, p) => n + p.byteLength, 0)
  const out = new Uint8Array(total)
  let off = 0
  for (const p of parts) {
    out.set(new Uint8Array(p), off)
    off += p.byteLength
  }
  return out
}

/** An IO handler writing tfjs layers format (model.json + weights.bin) into an existing folder. */
export function folderWriter(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const json = {
        format: 'layers-model',
        generatedBy: 'UNet Studio',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }]
      }
      await writeFile(join(dir, WEIGHTS_BIN), joinWeights(artifacts.weightData))
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(json))
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }
  }
}

/**
 * Replace folder `dir` atomically: `fill` writes into a fresh temp folder next to it, which is
 * then renamed into place (the previous folder is removed only after the rename).
 */
export async function writeFolderAtomic(
  dir: string,
  fill: (tmp: string) => Promise<void>
): Promise<void> {
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`)
  const old = join(dirname(dir), `.${basename(dir)}.old-${process.pid}`)
  await rm(tmp, { recursive: true, force: true })
  await mkdir(tmp, { recursive: true })
  await fill(tmp)
  if (existsSync(dir)) await rename(dir, old)
  await rename(tmp, dir)
  await rm(old, { recursive: true, force: true })
}

/** Save a layers model into `dir` (model.json + weights.bin), atomically. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await writeFolderAtomic(dir, async (tmp) => {
    await model.save(folderWriter(tmp))
  })
}

/** Load a layers model saved by {@link saveModel} (custom layers are registered by ./models). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8'))
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig
  const specs = manifest.flatMap((g) => g.weights)
  const buffers = await Promise.all(
    manifest.flatMap((g) => g.paths.map((p) => readFile(join(dir, p))))
  )
  const weightData = joinWeights(
    buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
  ).buffer as ArrayBuffer
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData })
  )
}
