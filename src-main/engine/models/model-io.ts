import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { tf } from '../backend/tf'
import { processAlive, syncFolder, writeFileSynced } from '../../data/atomic-write'
import { MODEL_JSON, WEIGHTS_BIN } from './model-files'
import './index.ts'

export { MODEL_JSON, WEIGHTS_BIN, modelFolderProblem } from './model-files'

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

/**
 * An IO handler writing tfjs layers format (model.json + weights.bin) into an existing folder,
 * each file flushed to disk.
 */
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
      await writeFileSynced(join(dir, WEIGHTS_BIN), joinWeights(artifacts.weightData))
      await writeFileSynced(join(dir, MODEL_JSON), JSON.stringify(json))
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }
  }
}

/** The temp and previous-version names {@link writeFolderAtomic} uses next to `dir`. */
function folderTemps(dir: string, pid = process.pid) {
  return {
    tmp: join(dirname(dir), `.${basename(dir)}.tmp-${pid}`),
    old: join(dirname(dir), `.${basename(dir)}.old-${pid}`)
  }
}

/**
 * Replace folder `dir` atomically: `fill` writes into a fresh temp folder next to it (its files
 * flushed), which is flushed and renamed into place; the parent folder is flushed after the
 * rename and the previous folder removed. After a crash between the two renames
 * {@link recoverFolder} puts the complete version back.
 */
export async function writeFolderAtomic(
  dir: string,
  fill: (tmp: string) => Promise<void>
): Promise<void> {
  const { tmp, old } = folderTemps(dir)
  await rm(tmp, { recursive: true, force: true })
  await mkdir(tmp, { recursive: true })
  await fill(tmp)
  await syncFolder(tmp)
  if (existsSync(dir)) await rename(dir, old)
  await rename(tmp, dir)
  await syncFolder(dirname(dir))
  await rm(old, { recursive: true, force: true })
}

/**
 * Brings folder `dir` back after a crash inside {@link writeFolderAtomic}: when `dir` is missing
 * or incomplete (`problem` says why), a complete temp version (the newer one) or else a
 * complete previous version of a process no longer running is renamed into place. Leftover
 * temp folders of dead processes are removed either way. Returns what was done, for the log.
 */
export async function recoverFolder(
  dir: string,
  problem: (dir: string) => string | null
): Promise<string | null> {
  const parent = dirname(dir)
  const prefix = `.${basename(dir)}.`
  const names = (await readdir(parent).catch(() => [] as string[])).filter((n) =>
    n.startsWith(prefix)
  )
  const dead = names
    .map((n) => ({ name: n, m: /^(?:tmp|old)-(\d+)$/.exec(n.slice(prefix.length)) }))
    .filter((e) => e.m && Number(e.m[1]) !== process.pid && !processAlive(Number(e.m[1])))
    .map((e) => ({
      path: join(parent, e.name),
      kind: e.name.slice(prefix.length, -1 - e.m![1].length)
    }))
  let done: string | null = null
  if (existsSync(dir) ? problem(dir) !== null : true) {
    const candidates = [
      ...dead.filter((d) => d.kind === 'tmp'),
      ...dead.filter((d) => d.kind === 'old')
    ]
    const good = candidates.find((d) => problem(d.path) === null)
    if (good) {
      await rm(dir, { recursive: true, force: true })
      await rename(good.path, dir)
      await syncFolder(parent)
      done = `${basename(dir)}/ restored from ${basename(good.path)} (interrupted write)`
    }
  }
  for (const d of dead) await rm(d.path, { recursive: true, force: true })
  return done
}

/**
 * Save a layers model into `dir` (model.json + weights.bin), atomically; `extra` files (such as
 * the best model's `best.json`) are written with it.
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  extra: Record<string, string> = {}
): Promise<void> {
  await writeFolderAtomic(dir, async (tmp) => {
    await model.save(folderWriter(tmp))
    for (const [name, text] of Object.entries(extra)) await writeFileSynced(join(tmp, name), text)
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
