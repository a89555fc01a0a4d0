/**
 * Object F1 of plain connected components vs split touching nuclei, on a run's validation split
 * of the shared DSB2018 samples (mean per-image F1 at IoU > 0.5, one-to-one matching).
 * Usage: npx tsx bench/split-f1.ts RUN_DIR [DATA_DIR]   (predicts once, then scores each variant)
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { scanDataset } from '../src-main/data/dataset'
import { readImage } from '../src-main/data/image-io'
import { readLabel } from '../src-main/data/labels'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { normalizeImage } from '../src-main/engine/normalize'
import { instanceMetrics } from '../src-main/engine/postprocess/instance-metrics'
import { postprocess, type PostprocessOptions } from '../src-main/engine/postprocess/postprocess'
import { loadPredictor } from '../src-main/engine/infer/load-predictor'
import { predictImage } from '../src-main/engine/infer/predict-image'

const VARIANTS: [string, PostprocessOptions][] = [
  ['connected components', { instances: 'components' }],
  ['split (default: probability-weighted distance, h 2)', { instances: 'split' }],
  [
    'split, unweighted distance h 1.5',
    { instances: 'split', split: { weightByProbability: false } }
  ],
  ['split, weighted h 3', { instances: 'split', split: { h: 3 } }],
  [
    'split, probability cores >= 0.9',
    { instances: 'split', split: { markers: 'probability', seedThreshold: 0.9 } }
  ]
]

const [run, data = join(import.meta.dirname, '../../shared/datasets/dsb2018/stage1_train')] =
  process.argv.slice(2)
const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'))
const val = (await scanDataset(data)).samples.filter((s) => config.split.val.includes(s.id))
await initBackend()
const predictor = await loadPredictor(run)
const sums = VARIANTS.map(() => 0)
const started = Date.now()
for (const sample of val) {
  const raw = await readImage(sample.imagePath)
  const map = await predictImage(predictor, normalizeImage(raw, predictor.channels), {
    tile: predictor.tile
  })
  const gt = (await readLabel(sample, 'instances')).data
  VARIANTS.forEach(([, options], k) => {
    const r = postprocess(map, { minSize: 10, ...options })
    sums[k] += instanceMetrics(gt, r.instances!.labels, map.width, map.height).f1
  })
}
predictor.model.dispose()
console.error(`${val.length} validation images, ${((Date.now() - started) / 1000).toFixed(0)} s`)
VARIANTS.forEach(([name], k) => console.log(`${(sums[k] / val.length).toFixed(4)}  ${name}`))
