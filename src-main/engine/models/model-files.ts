/**
 * The files of a saved model folder (tfjs layers format) and whether they are complete, without
 * loading TensorFlow.js: a folder whose weight files do not match their manifest is not a model.
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Topology + weights manifest file of a model folder. */
export const MODEL_JSON = 'model.json'
/** Weight bytes file of a model folder. */
export const WEIGHTS_BIN = 'weights.bin'

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2
}

/** One weight of a manifest, as tfjs writes it. */
export interface WeightSpec {
  name: string
  shape: number[]
  dtype: string
}

/** Bytes the weights of `specs` take, or a reason when a spec cannot be sized. */
export function specBytes(specs: WeightSpec[]): number | string {
  let total = 0
  for (const s of specs) {
    const size = DTYPE_BYTES[s.dtype]
    if (!size || !Array.isArray(s.shape)) return `weight ${s.name} has no fixed size`
    total += s.shape.reduce((n, d) => n * d, 1) * size
  }
  return total
}

function fileSize(path: string): number | null {
  try {
    return statSync(path).size
  } catch {
    return null
  }
}

/** Reads a JSON file, or returns the reason it cannot be read. */
export function readJsonSync(path: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(readFileSync(path, 'utf8')) }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { problem: code === 'ENOENT' ? `${path} is missing` : `${path} is unreadable` }
  }
}

/**
 * Why the model folder `dir` is not a complete model (a missing or unreadable `model.json`,
 * weight files missing or of another size than the manifest says), or null when it is.
 */
export function modelFolderProblem(dir: string): string | null {
  const json = readJsonSync(join(dir, MODEL_JSON))
  if ('problem' in json) return json.problem
  const groups = (json.value as { weightsManifest?: unknown }).weightsManifest
  if (!Array.isArray(groups)) return `${join(dir, MODEL_JSON)} has no weights manifest`
  let expected = 0
  let found = 0
  for (const g of groups as { paths: string[]; weights: WeightSpec[] }[]) {
    const bytes = specBytes(g.weights ?? [])
    if (typeof bytes === 'string') return `${join(dir, MODEL_JSON)}: ${bytes}`
    expected += bytes
    for (const p of g.paths ?? []) {
      const size = fileSize(join(dir, p))
      if (size === null) return `${join(dir, p)} is missing`
      found += size
    }
  }
  return found === expected
    ? null
    : `${dir}: weight files hold ${found} bytes but the manifest needs ${expected}`
}
