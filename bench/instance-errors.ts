/**
 * Where a model's object errors are, on its own seeded validation split: each ground-truth object
 * that no prediction matches (IoU > 0.5) is missed, merged with a neighbour into one predicted
 * object, cut in parts, or covered by a too large or shifted one; each unmatched predicted object
 * lies on background, is the blob of a merge, or is a part or misfit of one object. Post-processing
 * as `predict` would do it (the model's chosen settings), or as the flags say.
 *
 * Usage: npx tsx bench/instance-errors.ts RUN_DIR|nuclei [--data DIR] [--min-score Q]
 *        [--threshold P] [--min-size N] [--h PX] [--no-tta]
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readAnyImage } from '../src-main/data/image-io'
import { readLabel } from '../src-main/data/labels'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { resolveModel } from '../src-main/engine/builtin-models'
import { labelledSamples, predictSample } from '../src-main/engine/eval/evaluate'
import { loadPredictor } from '../src-main/engine/infer/load-predictor'
import { postprocessFor, settingsFor } from '../src-main/engine/infer/predict-folder'
import { definedOnly } from '../src-preload/options/common'

/** Kinds of error, as counted. */
export type ErrorKind =
  | 'missed'
  | 'missed (< 30 px)'
  | 'merged with a neighbour'
  | 'cut in parts'
  | 'too large or shifted'
  | 'too small'
  | 'on background'
  | 'on background (< 60 px)'
  | 'blob of a merge'
  | 'part or misfit'

/** Counts of one image or a whole split: found objects, totals and each kind of error. */
export interface ErrorCounts {
  truth: number
  predicted: number
  found: number
  errors: Partial<Record<ErrorKind, number>>
}

/** Pixel count per id. */
function areas(labels: ArrayLike<number>): Map<number, number> {
  const m = new Map<number, number>()
  for (let i = 0; i < labels.length; i++)
    if (labels[i]) m.set(labels[i], (m.get(labels[i]) ?? 0) + 1)
  return m
}

/** Classify the errors of one predicted instance map against its ground truth. */
export function classifyErrors(truth: ArrayLike<number>, pred: ArrayLike<number>): ErrorCounts {
  const ga = areas(truth)
  const pa = areas(pred)
  const overlap = new Map<number, Map<number, number>>()
  for (let i = 0; i < truth.length; i++) {
    if (!truth[i] || !pred[i]) continue
    const row = overlap.get(truth[i]) ?? overlap.set(truth[i], new Map()).get(truth[i])!
    row.set(pred[i], (row.get(pred[i]) ?? 0) + 1)
  }
  const byPred = new Map<number, [number, number][]>()
  const matchedT = new Set<number>()
  const matchedP = new Set<number>()
  for (const [g, row] of overlap)
    for (const [p, n] of row) {
      ;(byPred.get(p) ?? byPred.set(p, []).get(p)!).push([g, n])
      if (n / (ga.get(g)! + pa.get(p)! - n) > 0.5) {
        matchedT.add(g)
        matchedP.add(p)
      }
    }
  const errors: Partial<Record<ErrorKind, number>> = {}
  const count = (k: ErrorKind) => (errors[k] = (errors[k] ?? 0) + 1)
  for (const [g, a] of ga) {
    if (matchedT.has(g)) continue
    const over = [...(overlap.get(g) ?? new Map<number, number>())].sort((x, y) => y[1] - x[1])
    const covered = over.reduce((s, [, n]) => s + n, 0)
    if (covered < 0.5 * a) {
      count(a < 30 ? 'missed (< 30 px)' : 'missed')
      continue
    }
    const [largest, n] = over[0]
    const neighbours = byPred.get(largest)!.filter(([g2, m]) => g2 !== g && m > 0.3 * ga.get(g2)!)
    if (n > 0.5 * a && neighbours.length > 0) count('merged with a neighbour')
    else if (over.filter(([, m]) => m > 0.2 * a).length >= 2) count('cut in parts')
    else if (n > 0.5 * a) count('too large or shifted')
    else count('too small')
  }
  for (const [p, a] of pa) {
    if (matchedP.has(p)) continue
    const over = byPred.get(p) ?? []
    const covered = over.reduce((s, [, n]) => s + n, 0)
    if (covered < 0.5 * a) count(a < 60 ? 'on background (< 60 px)' : 'on background')
    else if (over.filter(([g, n]) => n > 0.3 * ga.get(g)!).length >= 2) count('blob of a merge')
    else count('part or misfit')
  }
  return { truth: ga.size, predicted: pa.size, found: matchedT.size, errors }
}

/** The sum of several images' counts. */
export function addCounts(a: ErrorCounts, b: ErrorCounts): ErrorCounts {
  const errors = { ...a.errors }
  for (const [k, n] of Object.entries(b.errors) as [ErrorKind, number][])
    errors[k] = (errors[k] ?? 0) + n
  return {
    truth: a.truth + b.truth,
    predicted: a.predicted + b.predicted,
    found: a.found + b.found,
    errors
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'min-score': { type: 'string' },
      threshold: { type: 'string' },
      'min-size': { type: 'string' },
      h: { type: 'string' },
      'no-tta': { type: 'boolean' }
    }
  })
  if (positionals.length !== 1)
    throw new Error('usage: instance-errors.ts RUN_DIR|nuclei [options]')
  const num = (v?: string) => (v === undefined ? undefined : Number(v))
  await initBackend()
  const predictor = await loadPredictor(resolveModel(positionals[0]))
  const data = values.data ?? join(import.meta.dirname, '../../shared/datasets/dsb2018')
  const { samples } = await labelledSamples(data, predictor.config.split.val)
  const given = definedOnly({
    threshold: num(values.threshold),
    minSize: num(values['min-size']),
    minScore: num(values['min-score']),
    splitOptions: values.h === undefined ? undefined : { h: Number(values.h) },
    tta: values['no-tta'] ? false : undefined
  })
  const settings = settingsFor(predictor, given)
  let total: ErrorCounts = { truth: 0, predicted: 0, found: 0, errors: {} }
  for (const sample of samples) {
    const raw = await readAnyImage(sample.imagePath)
    const truth = (await readLabel(sample, 'instances')).data
    const map = await predictSample(predictor, raw, settings.tta)
    const pred = postprocessFor(predictor, map, given).instances!.labels
    const one = classifyErrors(truth, pred)
    console.log(sample.id.slice(0, 8), JSON.stringify(one))
    total = addCounts(total, one)
  }
  console.log(JSON.stringify({ settings, images: samples.length, ...total }, null, 1))
  predictor.model.dispose()
}
