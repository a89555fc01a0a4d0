/**
 * The object probability floor (`minScore`) on a model's own seeded validation split: the best
 * mean F1@0.5 at each floor, over thresholds × smallest objects at the model's split setting, each
 * image predicted once (with test-time augmentation unless `--no-tta`). Scored by
 * `choosePostprocess`, as `npm run model:nuclei` chooses; bench/README.md has the figures.
 *
 * Usage: npx tsx bench/object-floor.ts RUN_DIR|nuclei [--data DIR (default: the shared DSB2018)] [--no-tta]
 *        [--floors 0,0.6,0.7,0.8,0.85,0.9] [--h 2]
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { resolveModel } from '../src-main/engine/builtin-models'
import { choosePostprocess, DEFAULT_GRID } from '../src-main/engine/eval/choose-postprocess'
import { labelledSamples } from '../src-main/engine/eval/evaluate'
import { loadPredictor } from '../src-main/engine/infer/load-predictor'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    'no-tta': { type: 'boolean', default: false },
    floors: { type: 'string', default: '0,0.6,0.7,0.8,0.85,0.9' },
    h: { type: 'string', default: '2' }
  }
})
if (positionals.length !== 1) throw new Error('usage: object-floor.ts RUN_DIR|nuclei [options]')
const floors = values.floors!.split(',').map(Number)
await initBackend()
const predictor = await loadPredictor(resolveModel(positionals[0]))
const data = values.data ?? join(import.meta.dirname, '../../shared/datasets/dsb2018')
const { samples } = await labelledSamples(data, predictor.config.split.val)
const started = Date.now()
const r = await choosePostprocess(
  predictor,
  samples,
  {
    ...DEFAULT_GRID,
    tta: [!values['no-tta']],
    threshold: [0.4, 0.5, 0.6],
    minSize: [20, 30, 40, 60],
    minScore: floors,
    h: [Number(values.h)]
  },
  (done, total) => process.stderr.write(`\r${done}/${total} images`)
)
process.stderr.write(`\n${r.images} images, ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
console.log('| floor | best F1@0.5 | AP50 | threshold | smallest object (px) |')
console.log('| --- | --- | --- | --- | --- |')
for (const q of floors) {
  const best = r.rows.find((row) => (row.settings.minScore ?? 0) === q)!
  const s = best.settings
  console.log(
    `| ${q} | ${best.f1.toFixed(3)} | ${best.ap50.toFixed(3)} | ${s.threshold} | ${s.minSize} |`
  )
}
predictor.model.dispose()
