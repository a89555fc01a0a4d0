import type { Command } from 'commander'
import { backendList } from '../../src-preload/options/backend'
import { asFlag, definedOnly, parseOptions } from '../../src-preload/options/common'
import {
  defaultPredictionsDir,
  POSTPROCESS_FALLBACK,
  PREDICT_DEFAULTS,
  predictOptions
} from '../../src-preload/options/predict'
import { checkPredictOutput } from '../data/export/output-check'
import { initBackend } from '../engine/backend/init-backend'
import { resolveModel } from '../engine/builtin-models'
import { loadPredictor } from '../engine/infer/load-predictor'
import {
  checkFolderTiling,
  folderOptions,
  type PredictProgress,
  predictFolder
} from '../engine/infer/predict-folder'
import {
  finishPredictionRecord,
  recordedSettings,
  startPredictionRecord
} from '../engine/infer/prediction-record'

const num = (v: string): number => {
  const n = Number(v)
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`)
  return n
}

/** Flags of the `predict` command that are not prediction options. */
export const PREDICT_CLI_ONLY_FLAGS = ['json'] as const

/** A one-line progress bar for stderr. */
export function progressLine(p: PredictProgress, width = 24): string {
  const filled = Math.round((p.index / Math.max(1, p.total)) * width)
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled)
  const what =
    p.status === 'failed'
      ? `FAILED: ${p.reason}`
      : `${p.status}${p.objects === undefined ? '' : `, ${p.objects} objects`}`
  return `[${bar}] ${p.index}/${p.total} ${p.image} (${what})`
}

/** `predict`: segment a folder of images with a trained run and export masks, instances, CSVs. */
export function registerPredictCommand(program: Command): void {
  const d = PREDICT_DEFAULTS
  program
    .command('predict')
    .description('segment every image of a folder with a trained run; progress on stderr')
    .requiredOption(
      '--model <run>',
      'run folder (config.json + model/), or a built-in model: nuclei (no training needed)'
    )
    .requiredOption('--input <dir>', 'folder of images (or a DSB2018-style folder)')
    .option(
      '--out <dir>',
      'output folder: masks/, instances/, overlays/, *.csv, prediction.json (default <input>-predictions)'
    )
    .option(
      '--tile <n>',
      'largest tile side in pixels; default: whole images up to 1024×1024 px, tiles of 512 (or the run patch size if larger) beyond; 0 = always whole',
      num
    )
    .option('--overlap <n>', 'pixels shared by neighbouring tiles', num, d.overlap)
    .option('--batch <n>', 'tiles per forward pass', num, d.batch)
    .option('--scale <s>', 'resize images by this factor before inference', num)
    .option(
      '--tta',
      "test-time augmentation: average 8 flips/transposes (the network runs 8 times, about 4x the prediction time; default: the model's choice, else off)"
    )
    .option('--no-tta', "no test-time augmentation, whatever the model's choice")
    .option(
      '--threshold <p>',
      `foreground probability threshold (default: the model's chosen one, else ${POSTPROCESS_FALLBACK.threshold})`,
      num
    )
    .option(
      '--min-size <n>',
      `drop objects smaller than n pixels (default: the model's, else ${POSTPROCESS_FALLBACK.minSize})`,
      num
    )
    .option(
      '--min-score <p>',
      `drop objects whose mean foreground probability is under p, after splitting (default: the model's, else ${POSTPROCESS_FALLBACK.minScore} = keep all)`,
      num
    )
    .option('--no-split', 'plain connected components (do not split touching objects)')
    .option(
      '--h <px>',
      `split, binary runs: minimal distance-peak dynamic in pixels (default: the model's, else ${POSTPROCESS_FALLBACK.h})`,
      num
    )
    .option(
      '--seed-level <x>',
      'split, instance runs: seeds where the predicted distance (0..1) is at least x',
      num
    )
    .option('--instances', 'write 16-bit instance-id maps to instances/')
    .option('--overlay', 'write coloured instance outlines over the image to overlays/')
    .option('--csv', 'write measurements.csv (one row per object)')
    .option(
      '--pixel-size <um>',
      'µm per pixel for the CSV (default: each TIFF file’s own resolution, if it has one)',
      num
    )
    .option('--format <kind>', 'png or tiff', d.format)
    .option('--backend <name>', backendList())
    .option('--json', 'print a JSON summary as the last stdout line')
    .action(async (flags) => {
      const { json, ...rest } = flags
      const given = definedOnly(rest)
      if (given.out === undefined && typeof given.input === 'string')
        given.out = defaultPredictionsDir(given.input)
      const o = parseOptions(predictOptions, given, 'bad predict options', asFlag)
      checkPredictOutput(o.input, o.out)
      const backend = await initBackend(o.backend)
      process.stderr.write(`backend ${backend.name}\n`)
      const modelDir = resolveModel(o.model)
      const predictor = await loadPredictor(modelDir)
      checkFolderTiling(predictor, folderOptions(o))
      const controller = new AbortController()
      process.once('SIGINT', () => {
        process.stderr.write('\nstopping after this image (finished images are kept)...\n')
        controller.abort()
      })
      const tty = process.stderr.isTTY
      const { input, out } = o
      const settings = recordedSettings(o, predictor)
      const record = await startPredictionRecord({ model: modelDir, input, out, settings })
      const summary = await predictFolder(predictor, {
        ...folderOptions(o),
        signal: controller.signal,
        onProgress: (p) => {
          const line = progressLine(p)
          if (tty && p.status !== 'failed') process.stderr.write(`\r\x1b[K${line}`)
          else process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`)
        }
      })
      predictor.model.dispose()
      await finishPredictionRecord(out, record, summary)
      if (tty) process.stderr.write('\n')
      for (const p of summary.problems) process.stderr.write(`skipped ${p.file}: ${p.reason}\n`)
      process.stderr.write(
        `${summary.done} done, ${summary.skipped} already done, ${summary.failed} failed, ${summary.objects} objects, ` +
          `${summary.seconds.toFixed(1)}s (${summary.imagesPerSecond.toFixed(2)} images/s)${summary.cancelled ? ', cancelled' : ''}\n`
      )
      if (json) process.stdout.write(JSON.stringify({ ...summary, backend: backend.name }) + '\n')
      if (summary.cancelled) process.exitCode = 130
    })
}
