/**
 * Object F1@0.5 and AP50 of trained runs on their own seeded validation split (the DSB2018
 * recipe's 24 images), for every post-processing setting that suits each run's target. Each
 * image is predicted once per run (at its original resolution, as `eval` does: whole up to 1024×1024 px) and then
 * post-processed every way.
 *
 * Usage: npx tsx bench/instances.ts RUN_DIR... [--data DIR] [--tta] [--json FILE] [--markdown]
 */
import { writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { readImage } from '../src-main/data/image-io'
import { readLabel } from '../src-main/data/labels'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { labelledSamples, predictSample } from '../src-main/engine/eval/evaluate'
import { loadPredictor } from '../src-main/engine/infer/load-predictor'
import { instanceMetrics } from '../src-main/engine/postprocess/instance-metrics'
import {
  foregroundProbability,
  postprocess,
  type PostprocessOptions,
  type ProbabilityMap,
  type TargetKind
} from '../src-main/engine/postprocess/postprocess'
import { DEFAULT_SEEDS } from '../src-main/engine/postprocess/instance-maps'
import { readRunConfig } from '../src-main/engine/run-store'

/** A named post-processing setting. */
export type Variant = [name: string, options: PostprocessOptions]

/** The post-processing settings worth comparing for a map kind (the default one first). */
export function variantsFor(kind: TargetKind): Variant[] {
  const base: PostprocessOptions = { target: kind, minSize: 10 }
  const v = (name: string, o: PostprocessOptions): Variant => [name, { ...base, ...o }]
  if (kind === 'binary')
    return [
      v('distance watershed, h 2 (default)', { instances: 'split' }),
      v('connected components', { instances: 'components' }),
      v('distance watershed, h 1', { instances: 'split', split: { h: 1 } }),
      v('distance watershed, h 3', { instances: 'split', split: { h: 3 } })
    ]
  const out: Variant[] = [
    v('default seeds', { instances: 'split', seeds: DEFAULT_SEEDS }),
    v('connected components', { instances: 'components' })
  ]
  if (kind !== 'boundary') {
    for (const level of [0.3, 0.4, 0.6, 0.7])
      out.push(v(`distance >= ${level}`, { instances: 'split', seeds: { level } }))
    for (const h of [0.1, 0.2, 0.3])
      out.push(v(`distance h-maxima ${h}`, { instances: 'split', seeds: { mode: 'h-maxima', h } }))
    for (const threshold of [0.4, 0.6])
      out.push(v(`default seeds, foreground >= ${threshold}`, { instances: 'split', threshold }))
  }
  if (kind !== 'distance') {
    for (const level of [0.3, 0.5, 0.7])
      for (const flood of ['boundary', 'distance'] as const)
        out.push(
          v(
            `interior >= ${level}, flood ${flood === 'boundary' ? 'boundary' : 'inverted source'}`,
            {
              instances: 'split',
              seeds: { source: 'interior', level, flood }
            }
          )
        )
  }
  return out
}

/** One run's scores per variant. */
export interface RunScores {
  run: string
  target: TargetKind
  images: number
  /** Pooled foreground pixel IoU (threshold 0.5). */
  iou: number
  rows: { variant: string; f1: number; ap50: number }[]
}

/**
 * Predict a run's validation split once (and once more with test-time augmentation when `tta`),
 * then score every variant on each.
 */
export async function scoreRun(runDir: string, data?: string, tta = false): Promise<RunScores> {
  const config = await readRunConfig(runDir)
  const predictor = await loadPredictor(runDir)
  const { samples } = await labelledSamples(data ?? config.data, config.split.val)
  const base = variantsFor(predictor.target)
  const variants = tta ? [...base, ...base.map(([n, o]): Variant => [`${n}, TTA`, o])] : base
  const sums = variants.map(() => ({ f1: 0, ap: 0 }))
  let inter = 0
  let union = 0
  try {
    for (const sample of samples) {
      const raw = await readImage(sample.imagePath)
      const map: ProbabilityMap = await predictSample(predictor, raw)
      const maps = tta ? [map, await predictSample(predictor, raw, true)] : [map]
      const gt = (await readLabel(sample, 'instances')).data
      const p = foregroundProbability(map, predictor.target)
      for (let i = 0; i < gt.length; i++) {
        const a = p[i] > 0.5
        const b = gt[i] > 0
        if (a && b) inter++
        if (a || b) union++
      }
      variants.forEach(([, options], k) => {
        const r = postprocess(maps[Math.floor(k / base.length)], options)
        const m = instanceMetrics(gt, r.instances!.labels, map.width, map.height, 0.5)
        sums[k].f1 += m.f1
        sums[k].ap += m.ap
      })
      process.stderr.write('.')
    }
  } finally {
    predictor.model.dispose()
  }
  process.stderr.write('\n')
  const n = samples.length
  return {
    run: runDir,
    target: predictor.target,
    images: n,
    iou: union ? inter / union : 1,
    rows: variants.map(([variant], k) => ({ variant, f1: sums[k].f1 / n, ap50: sums[k].ap / n }))
  }
}

/** A markdown table of runs × variants. */
export function markdownTable(all: RunScores[]): string {
  const lines = [
    '| run | target | post-processing | F1@0.5 | AP50 | pixel IoU |',
    '| --- | --- | --- | --- | --- | --- |'
  ]
  for (const r of all)
    for (const row of r.rows)
      lines.push(
        `| ${basename(r.run)} | ${r.target} | ${row.variant} | ${row.f1.toFixed(3)} | ${row.ap50.toFixed(3)} | ${r.iou.toFixed(3)} |`
      )
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'boolean' },
      tta: { type: 'boolean' }
    }
  })
  await initBackend()
  const all: RunScores[] = []
  for (const run of positionals) {
    const started = Date.now()
    const scores = await scoreRun(run, values.data, values.tta)
    all.push(scores)
    process.stderr.write(`${run}: ${scores.images} images, ${(Date.now() - started) / 1000} s\n`)
    for (const row of scores.rows)
      process.stderr.write(`  ${row.f1.toFixed(4)} ${row.ap50.toFixed(4)}  ${row.variant}\n`)
  }
  if (values.json) await writeFile(values.json, JSON.stringify(all, null, 2) + '\n')
  if (values.markdown) process.stdout.write(markdownTable(all) + '\n')
}
