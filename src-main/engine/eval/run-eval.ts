/**
 * An evaluation as the CLI and the app's `eval` job run it: the run's own dataset unless another
 * is given, its validation split unless `all` is asked for, and, with an output folder, each
 * image's prediction plus `eval.json` (pooled and per-image scores, worst first).
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  evalOptions,
  type EvalOptions,
  type EvalOptionsInput
} from '../../../src-preload/options/eval'
import type { EvalImageRow, EvalReport } from '../../../src-preload/records'
import { writeFileAtomic } from '../../data/atomic-write'
import { scanDataset } from '../../data/dataset'
import { readProjectIfAny } from '../../data/project'
import { readClassTable } from '../../data/class-table'
import { checkEvalLabelsFit } from '../train/label-check'
import { resolveModel } from '../builtin-models'
import { labelTypeOf, resolveModelFolder } from '../model-folder'
import { readRunConfig } from '../run-store'
import type { RunConfig } from '../config'
import { evaluateRun, labelledSamples, type EvalImageScore, type EvalRunOptions } from './evaluate'

/** The report's file name in an evaluation folder. */
export const EVAL_REPORT_FILE = 'eval.json'
/** Folder (inside the evaluation folder) of the per-image predictions. */
export const EVAL_PREDICTIONS_DIR = 'predictions'

/** Nothing to score: the message says which images were looked for and where. */
export class NothingToEvaluateError extends Error {
  override name = 'NothingToEvaluateError'
}

/**
 * Per-image rows, worst first: by object F1 when the images have instances, else by IoU; equal
 * F1 (often all 0 for a young model) by IoU, then by name.
 */
export function worstFirst(rows: EvalImageScore[]): EvalImageRow[] {
  const key = (r: EvalImageScore) => r.f1 ?? r.iou
  return [...rows]
    .sort((a, b) => key(a) - key(b) || a.iou - b.iou || a.id.localeCompare(b.id))
    .map((r) => ({ ...r, prediction: `${EVAL_PREDICTIONS_DIR}/${r.id}.png` }))
}

/**
 * Refuses a folder whose labels do not fit the run's model (named error); a folder that cannot be
 * read is left to the evaluation to report.
 */
export async function checkEvalFit(runDir: string, data: string): Promise<void> {
  const config = await readRunConfig(runDir)
  const classes = labelTypeOf(config) === 'classes' ? config.classes : 1
  const scan = await scanDataset(data).catch(() => null)
  if (!scan) return
  const model = { model: runDir, classes, ignoreIndex: config.ignoreIndex ?? -1 }
  await checkEvalLabelsFit(model, scan, await readProjectIfAny(data))
}

/**
 * The folder scored and the ids of a split (undefined = every labelled image); a folder whose
 * labels do not fit the model is refused here, before anything is scored.
 */
export async function evalTargets(
  o: Pick<EvalOptions, 'model' | 'data' | 'split'>
): Promise<{ runDir: string; data: string; ids: string[] | undefined }> {
  const { runDir } = await resolveModelFolder(resolveModel(o.model))
  const config = await readRunConfig(runDir)
  const data = resolve(o.data ?? config.data)
  if (!existsSync(data))
    throw new NothingToEvaluateError(`${data}: no such dataset folder (the run was trained on it)`)
  await checkEvalFit(runDir, data)
  if (o.split === 'all') return { runDir, data, ids: undefined }
  const ids = config.split?.val ?? []
  const { samples } = await labelledSamples(data, ids)
  if (samples.length === 0)
    throw new NothingToEvaluateError(
      `none of the run's ${ids.length} validation images is labelled in ${data}: use split ` +
        `"all" (--split all) to score every labelled image of another folder`
    )
  return { runDir, data, ids }
}

/**
 * Names of classes 0..classes-1: as the model's run recorded them (its project), else as the
 * scored folder calls them (its project, else its class table); `Class k` where none names k.
 */
export async function classNamesOf(
  config: Pick<RunConfig, 'classes' | 'project'>,
  data: string
): Promise<string[]> {
  const listed =
    config.project?.classes ??
    (await readProjectIfAny(data))?.classes ??
    (await readClassTable(data))?.classes
  return Array.from(
    { length: config.classes },
    (_, k) => listed?.find((c) => c.index === k)?.name ?? `Class ${k}`
  )
}

/** Scores a run as `o` says; with `o.out`, writes the predictions and `eval.json` there. */
export async function runEvaluation(
  input: EvalOptions | EvalOptionsInput,
  cb: Pick<EvalRunOptions, 'onImage'> = {}
): Promise<EvalReport> {
  const o = evalOptions.parse(input)
  const { runDir, data, ids } = await evalTargets(o)
  const config = await readRunConfig(runDir)
  const out = o.out ? resolve(o.out) : null
  if (out) await mkdir(out, { recursive: true })
  const r = await evaluateRun(runDir, data, {
    backend: o.backend,
    ids,
    predictions: out ? join(out, EVAL_PREDICTIONS_DIR) : undefined,
    tta: o.tta,
    gallery: o.gallery,
    onImage: cb.onImage
  })
  const report: EvalReport = {
    version: 1,
    date: new Date().toISOString(),
    model: runDir,
    data,
    split: o.split,
    labelType: labelTypeOf(config),
    classes: config.classes,
    ignoreIndex: config.ignoreIndex ?? -1,
    ...(labelTypeOf(config) === 'classes' && {
      classNames: await classNamesOf(config, data)
    }),
    iou: r.iou,
    dice: r.dice,
    meanImageIou: r.meanImageIou,
    perClassIou: r.perClassIou,
    images: r.images,
    tta: r.tta,
    ...(r.f1 !== undefined && {
      f1: r.f1,
      ap50: r.ap50,
      f1Components: r.f1Components,
      postprocess: r.postprocess
    }),
    skipped: r.skipped,
    perImage: worstFirst(r.perImage)
  }
  if (out)
    await writeFileAtomic(join(out, EVAL_REPORT_FILE), JSON.stringify(report, null, 2) + '\n')
  return report
}

/** Reads an evaluation folder's `eval.json`. */
export async function readEvalReport(out: string): Promise<EvalReport> {
  const file = join(resolve(out), EVAL_REPORT_FILE)
  if (!existsSync(file)) throw new Error(`${file}: no evaluation here (eval.json missing)`)
  return JSON.parse(await readFile(file, 'utf8')) as EvalReport
}
