/**
 * How many of test-time augmentation's 8 flips and transposes a model needs: each image of its
 * own seeded validation split is predicted once per dihedral transform (the image transformed, the
 * map transformed back), then the maps of each subset are averaged and post-processed with the
 * model's chosen settings (floor, threshold, min size, h) and scored (mean F1@0.5, AP50). The
 * network's time grows with the subset's size.
 *
 * Usage: npx tsx bench/tta-transforms.ts RUN_DIR|nuclei [--data DIR (default: the shared DSB2018)]
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { AnyImage } from '../src-main/data/image-io'
import { readAnyImage } from '../src-main/data/image-io'
import { readLabel } from '../src-main/data/labels'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { resolveModel } from '../src-main/engine/builtin-models'
import { labelledSamples, predictSample } from '../src-main/engine/eval/evaluate'
import { loadPredictor } from '../src-main/engine/infer/load-predictor'
import { postprocessFor } from '../src-main/engine/infer/predict-folder'
import { instanceMetrics } from '../src-main/engine/postprocess/instance-metrics'
import type { ProbabilityMap } from '../src-main/engine/postprocess/postprocess'

/** A dihedral transform: flip columns, flip rows, then transpose. */
interface Transform {
  name: string
  flipX: boolean
  flipY: boolean
  transpose: boolean
}

const TRANSFORMS: Transform[] = [false, true].flatMap((transpose) =>
  [
    [false, false],
    [true, false],
    [false, true],
    [true, true]
  ].map(([flipX, flipY]) => ({
    name: `${flipX ? 'x' : ''}${flipY ? 'y' : ''}${transpose ? 't' : ''}` || 'identity',
    flipX,
    flipY,
    transpose
  }))
)

/** Subsets compared, by the transforms' names. */
const SUBSETS: [string, string[]][] = [
  ['none (identity)', ['identity']],
  ['2: identity, x flip', ['identity', 'x']],
  ['4: the flips (identity, x, y, xy)', ['identity', 'x', 'y', 'xy']],
  ['4: identity, xy, t, xyt (the rotations)', ['identity', 'xy', 'xt', 'yt']],
  ['8: all (the app’s TTA)', TRANSFORMS.map((t) => t.name)]
]

/** Where pixel (x, y) of the transformed image comes from in the original (w × h). */
function source(t: Transform, x: number, y: number, w: number, h: number): number {
  let [sx, sy] = t.transpose ? [y, x] : [x, y]
  if (t.flipX) sx = w - 1 - sx
  if (t.flipY) sy = h - 1 - sy
  return sy * w + sx
}

/** `img` under transform `t` (every channel). */
function transformImage(img: AnyImage, t: Transform): AnyImage {
  const { width: w, height: h, channels: c } = img
  const [tw, th] = t.transpose ? [h, w] : [w, h]
  const out = new (img.data.constructor as new (n: number) => typeof img.data)(img.data.length)
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const from = source(t, x, y, w, h)
      for (let k = 0; k < c; k++) out[(y * tw + x) * c + k] = img.data[from * c + k]
    }
  return { ...img, data: out, width: tw, height: th } as AnyImage
}

/** Adds the transformed map `m` back into `sum` (original orientation, w × h). */
function addBack(sum: Float32Array, m: ProbabilityMap, t: Transform, w: number, h: number): void {
  const c = m.channels
  for (let y = 0; y < m.height; y++)
    for (let x = 0; x < m.width; x++) {
      const to = source(t, x, y, w, h)
      for (let k = 0; k < c; k++) sum[to * c + k] += m.data[(y * m.width + x) * c + k]
    }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { data: { type: 'string' } }
})
if (positionals.length !== 1) throw new Error('usage: tta-transforms.ts RUN_DIR|nuclei')
await initBackend()
const predictor = await loadPredictor(resolveModel(positionals[0]))
const data = values.data ?? join(import.meta.dirname, '../../shared/datasets/dsb2018')
const { samples } = await labelledSamples(data, predictor.config.split.val)
const sums = SUBSETS.map(() => ({ f1: 0, ap: 0 }))
let builtIn = 0
for (const [i, sample] of samples.entries()) {
  const raw = await readAnyImage(sample.imagePath)
  const gt = (await readLabel(sample, 'instances')).data
  const maps = new Map<string, ProbabilityMap>()
  for (const t of TRANSFORMS) {
    const m = await predictSample(predictor, transformImage(raw, t), false)
    const back = new Float32Array(raw.width * raw.height * m.channels)
    addBack(back, m, t, raw.width, raw.height)
    maps.set(t.name, { data: back, width: raw.width, height: raw.height, channels: m.channels })
  }
  const score = (map: ProbabilityMap) => {
    const r = postprocessFor(predictor, map, { tta: true })
    return instanceMetrics(gt, r.instances!.labels, map.width, map.height, 0.5)
  }
  SUBSETS.forEach(([, names], k) => {
    const mean = new Float32Array(maps.get('identity')!.data.length)
    for (const n of names) {
      const d = maps.get(n)!.data
      for (let j = 0; j < mean.length; j++) mean[j] += d[j] / names.length
    }
    const m = score({ ...maps.get('identity')!, data: mean })
    sums[k].f1 += m.f1
    sums[k].ap += m.ap
  })
  builtIn += score(await predictSample(predictor, raw, true)).f1
  process.stderr.write(`\r${i + 1}/${samples.length} images`)
}
const n = samples.length
process.stderr.write('\n')
console.log('| transforms averaged | network runs per image | F1@0.5 | AP50 |')
console.log('| --- | --- | --- | --- |')
SUBSETS.forEach(([name, names], k) =>
  console.log(
    `| ${name} | ${names.length} | ${(sums[k].f1 / n).toFixed(3)} | ${(sums[k].ap / n).toFixed(3)} |`
  )
)
console.log(`(the app's built-in TTA on the same images: F1@0.5 ${(builtIn / n).toFixed(3)})`)
predictor.model.dispose()
