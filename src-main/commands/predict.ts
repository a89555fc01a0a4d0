import type { Command } from 'commander'
import { initBackend } from '../engine/backend/init-backend'
import { loadPredictor } from '../engine/infer/load-predictor'
import { type PredictProgress, predictFolder } from '../engine/infer/predict-folder'

const num = (v: string): number => {
  const n = Number(v)
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`)
  return n
}

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
  program
    .command('predict')
    .description('segment every image of a folder with a trained run; progress on stderr')
    .requiredOption('--model <run>', 'run folder (config.json + model/)')
    .requiredOption('--input <dir>', 'folder of images (or a DSB2018-style folder)')
    .requiredOption('--out <dir>', 'output folder: masks/, instances/, overlays/, *.csv')
    .option(
      '--tile <n>',
      'largest tile side in pixels (default 512, or the run patch size if larger; 0 = whole image)',
      num
    )
    .option('--overlap <n>', 'pixels shared by neighbouring tiles', num, 32)
    .option('--batch <n>', 'tiles per forward pass', num, 8)
    .option('--scale <s>', 'resize images by this factor before inference', num)
    .option('--threshold <p>', 'foreground probability threshold', num, 0.5)
    .option('--min-size <n>', 'drop objects smaller than n pixels', num, 10)
    .option('--no-split', 'plain connected components (do not split touching objects)')
    .option('--h <px>', 'split: minimal distance-peak dynamic in pixels', num)
    .option('--instances', 'write 16-bit instance-id maps to instances/')
    .option('--overlay', 'write coloured instance outlines over the image to overlays/')
    .option('--csv', 'write measurements.csv (one row per object)')
    .option('--format <kind>', 'png or tiff', 'png')
    .option('--backend <name>', 'tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--json', 'print a JSON summary as the last stdout line')
    .action(async (o) => {
      if (o.format !== 'png' && o.format !== 'tiff')
        throw new Error(`--format must be png or tiff, got ${o.format}`)
      const backend = await initBackend(o.backend)
      process.stderr.write(`backend ${backend.name}\n`)
      const predictor = await loadPredictor(o.model)
      const controller = new AbortController()
      process.once('SIGINT', () => {
        process.stderr.write('\nstopping after this image (finished images are kept)...\n')
        controller.abort()
      })
      const tty = process.stderr.isTTY
      const summary = await predictFolder(predictor, {
        input: o.input,
        out: o.out,
        tile: o.tile,
        overlap: o.overlap,
        batchSize: o.batch,
        scale: o.scale,
        threshold: o.threshold,
        minSize: o.minSize,
        split: o.split,
        splitOptions: o.h === undefined ? undefined : { h: o.h },
        instances: Boolean(o.instances),
        overlay: Boolean(o.overlay),
        csv: Boolean(o.csv),
        format: o.format,
        signal: controller.signal,
        onProgress: (p) => {
          const line = progressLine(p)
          if (tty && p.status !== 'failed') process.stderr.write(`\r\x1b[K${line}`)
          else process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`)
        }
      })
      predictor.model.dispose()
      if (tty) process.stderr.write('\n')
      for (const p of summary.problems) process.stderr.write(`skipped ${p.file}: ${p.reason}\n`)
      process.stderr.write(
        `${summary.done} done, ${summary.skipped} already done, ${summary.failed} failed, ${summary.objects} objects, ` +
          `${summary.seconds.toFixed(1)}s (${summary.imagesPerSecond.toFixed(2)} images/s)${summary.cancelled ? ', cancelled' : ''}\n`
      )
      if (o.json) process.stdout.write(JSON.stringify({ ...summary, backend: backend.name }) + '\n')
      if (summary.cancelled) process.exitCode = 130
    })
}
