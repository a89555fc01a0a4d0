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

/** Half-precision bits of a float (round to nearest even; overflow to ±Infinity). */
export function float16Bits(value: number): number {
  const f = new Float32Array([value])
  const x = new Uint32Array(f.buffer)[0]
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    mant |= 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rest = mant & ((1 << shift) - 1)
    let out = mant >>> shift
    if (rest > half || (rest === half && out & 1)) out++
    return sign | out
  }
  let out = (e << 10) | (mant >>> 13)
  const rest = mant & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out++
  return sign | out
}

/**
 * Float32 weights as float16 with the tfjs quantization entry (`dtype: 'float16'`) every tfjs
 * loader decodes back to float32: half the bytes.
 */
function toFloat16(
  specs: tf.io.WeightsManifestEntry[],
  data: Uint8Array
): { specs: tf.io.WeightsManifestEntry[]; data: Uint8Array } {
  if (specs.some((s) => s.dtype !== 'float32' || s.quantization))
    throw new Error('float16 weights need float32 weights')
  const src = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4)
  const half = Uint16Array.from(src, float16Bits)
  return {
    specs: specs.map((s) => ({
      ...s,
      quantization: { dtype: 'float16' as const, original_dtype: 'float32' as const }
    })),
    data: new Uint8Array(half.buffer)
  }
}

/**
 * An IO handler writing tfjs layers format (model.json + weights.bin) into an existing folder,
 * each file flushed to disk; with `float16`, the weights are stored in half precision.
 */
export function folderWriter(dir: string, opts: { float16?: boolean } = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      let specs = artifacts.weightSpecs ?? []
      let data = joinWeights(artifacts.weightData)
      if (opts.float16) ({ specs, data } = toFloat16(specs, data))
      const json = {
        format: 'layers-model',
        generatedBy: 'UNet Studio',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }]
      }
      await writeFileSynced(join(dir, WEIGHTS_BIN), data)
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
 * Save a layers model into `dir` (model.json + weights.bin, float16 if asked), atomically;
 * `extra` files (such as the best model's `best.json`) are written with it.
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  extra: Record<string, string> = {},
  opts: { float16?: boolean } = {}
): Promise<void> {
  await writeFolderAtomic(dir, async (tmp) => {
    await model.save(folderWriter(tmp, opts))
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
