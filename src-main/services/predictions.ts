/**
 * Predictions folders as the UI finds them again: the newest one made from an input folder (the
 * library remembers it; the default sibling `<input>-predictions` is looked at too), checked by
 * its `prediction.json`, and a sample's prediction read back as an editable label.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defaultPredictionsDir } from '../../src-preload/options/predict'
import type { PredictionsFound } from '../../src-preload/records'
import { datasetRootOf } from '../data/export/output-check'
import { readImage } from '../data/image-io'
import { readImageSize } from '../data/image-size'
import { isInside, type EditableLabel } from '../data/label-store'
import { maskChannel } from '../data/mask-values'
import { readPredictionRecord } from '../engine/infer/prediction-record'
import { labelComponents } from '../engine/postprocess/components'
import type { LabelKind } from '../../src-preload/project'

/** The folders to look at for predictions of `input`: remembered ones first, then the defaults. */
function candidates(input: string, remembered: string[]): string[] {
  const root = datasetRootOf(input)
  const dirs = [...remembered, defaultPredictionsDir(resolve(input)), defaultPredictionsDir(root)]
  return [...new Set(dirs.map((d) => resolve(d)))]
}

/** Whether a record's input is `input`: the same folder, one inside it, or the same dataset. */
function sameInput(recorded: string, input: string): boolean {
  return (
    isInside(resolve(input), resolve(recorded)) || datasetRootOf(recorded) === datasetRootOf(input)
  )
}

/**
 * The newest predictions folder whose `prediction.json` says it was made from `input` (its
 * images folder, or the images of the same dataset), or null.
 */
export async function findPredictions(
  input: string,
  remembered: string[] = []
): Promise<PredictionsFound | null> {
  for (const out of candidates(input, remembered)) {
    const record = await readPredictionRecord(out)
    if (record && sameInput(record.input, input)) return { out, record }
  }
  return null
}

/** The file of one output kind (`masks`, `instances`) of a sample, PNG or TIFF, if present. */
function outputFile(out: string, kind: 'masks' | 'instances', id: string): string | null {
  const files = ['png', 'tif'].map((ext) => join(out, kind, `${id}.${ext}`))
  return files.find((f) => existsSync(f)) ?? null
}

/** Whether the predictions folder holds a mask for sample `id`. */
export function hasPrediction(out: string, id: string): boolean {
  return outputFile(out, 'masks', id) !== null
}

/**
 * Sample `id`'s prediction as an editable label of its image's size and of the dataset's label
 * type `kind`, in the editor's terms (foreground is non-zero; saving flips it back for an
 * inverted project): for instances the instance map with its ids when it was written, else the
 * mask's connected components; for classes the mask's class indices; for binary the mask's
 * foreground as 1. Null when the folder has no prediction for it.
 */
export async function readPredictedLabel(
  found: PredictionsFound,
  id: string,
  imagePath: string,
  kind: LabelKind
): Promise<(EditableLabel & { path: string }) | null> {
  const instances = kind === 'instances' ? outputFile(found.out, 'instances', id) : null
  const file = instances ?? outputFile(found.out, 'masks', id)
  if (!file) return null
  const img = await readImage(file)
  const size = await readImageSize(imagePath)
  if (img.width !== size.width || img.height !== size.height)
    throw new Error(
      `${file}: prediction is ${img.width}x${img.height} but its image is ${size.width}x${size.height}`
    )
  const values = maskChannel(img, file)
  const { width, height } = img
  const label = (data: Uint8Array | Uint16Array) => ({ data, width, height, kind, path: file })
  if (instances) return label(Uint16Array.from(values))
  if (kind === 'instances')
    return label(Uint16Array.from(labelComponents(values, width, height, 4).labels))
  if (kind === 'classes') return label(Uint8Array.from(values, (v) => Math.min(255, v)))
  return label(Uint8Array.from(values, (v) => Number(v > 0)))
}
