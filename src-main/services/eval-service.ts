/** Evaluations as the app runs and shows them: where they go, and one image's prediction read back. */
import { access, constants } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { EvalSplit } from '../../src-preload/options/eval'
import { readImage } from '../data/image-io'
import type { StoredLabel } from '../data/label-store'
import { maskChannel } from '../data/mask-values'
import { readEvalReport } from '../engine/eval/run-eval'

/**
 * Where the app writes an evaluation: `<run>/eval/<split>-<dataset name>`, or, for a shipped
 * model (never written to, even where its folder is writable) or a read-only run folder,
 * `<app data>/evals/<run>-<split>-<dataset name>`.
 */
export async function defaultEvalDir(
  runDir: string,
  data: string,
  split: EvalSplit,
  dataDir: string,
  shipped = false
): Promise<string> {
  const name = `${split}-${basename(data)}`
  const writable =
    !shipped &&
    (await access(runDir, constants.W_OK).then(
      () => true,
      () => false
    ))
  return writable
    ? join(runDir, 'eval', name)
    : join(dataDir, 'evals', `${basename(runDir)}-${name}`)
}

/**
 * One image's prediction of an evaluation as a label: instance ids where it was scored against
 * instances, else class indices or 0/1 foreground.
 */
export async function readEvalPrediction(out: string, id: string): Promise<StoredLabel> {
  const report = await readEvalReport(out)
  const row = report.perImage.find((r) => r.id === id)
  if (!row) throw new Error(`${join(out, 'eval.json')}: no image "${id}" in this evaluation`)
  const file = resolve(out, row.prediction)
  const img = await readImage(file)
  const values = maskChannel(img, file)
  const { width, height } = img
  const base = { width, height, source: 'predicted' as const, path: file }
  if (row.f1 !== undefined) return { ...base, data: Uint16Array.from(values), kind: 'instances' }
  if (report.labelType === 'classes')
    return { ...base, data: Uint8Array.from(values), kind: 'classes' }
  return { ...base, data: Uint8Array.from(values, (v) => (v ? 1 : 0)), kind: 'binary' }
}
