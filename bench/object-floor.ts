/**
 * The object probability floor (`minScore`) on a model's own seeded validation split: the best
 * mean F1@0.5 at each floor, over thresholds × smallest objects at the model's split setting, each
 * image predicted once (with test-time augmentation unless `--no-tta`). Scored by
 * `choosePostprocess`, as `npm run model:nuclei` chooses; bench/README.md has the figures.
 *
 * With `--halves`, whether choosing the floor carries over to images it was not chosen on: the
 * split's images in two halves (alternate images), the post-processing chosen on each half with
 * `choosePostprocess`'s default grid, with and without its floors, and scored on the other half.
 *
 * Usage: npx tsx bench/object-floor.ts RUN_DIR|nuclei [--data DIR (default: the shared DSB2018)]
 *        [--no-tta] [--floors 0,0.6,0.7,0.8,0.85,0.9] [--h 2] [--halves]
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
    h: { type: 'string', default: '2' },
    halves: { type: 'boolean', default: false }
  }
})
if (positionals.length !== 1) throw new Error('usage: object-floor.ts RUN_DIR|nuclei [options]')
const floors = values.floors!.split(',').map(Number)
await initBackend()
const predictor = await loadPredictor(resolveModel(positionals[0]))
const data = values.data ?? join(import.meta.dirname, '../../shared/datasets/dsb2018')
const { samples } = await labelledSamples(data, predictor.config.split.val)
const started = Date.now()
const progress = (done: number, total: number) => process.stderr.write(`\r${done}/${total} images`)

/** Choose on one half of the split, with and without floors, and score on the other half. */
async function crossHalves(): Promise<void> {
  const halves = [0, 1].map((k) => samples.filter((_, i) => i % 2 === k))
  console.log(
    '| chosen on | floors in the grid | chosen settings | F1@0.5 there | F1@0.5 on the other half |'
  )
  console.log('| --- | --- | --- | --- | --- |')
  for (const [k, half] of halves.entries()) {
    const other = halves[1 - k]
    for (const minScore of [[0], DEFAULT_GRID.minScore]) {
      const grid = { ...DEFAULT_GRID, minScore }
      const chosen = (await choosePostprocess(predictor, data, half, grid, progress)).chosen
      const fixed = Object.fromEntries(
        Object.entries(chosen.settings).map(([key, v]) => [key, [v]])
      ) as unknown as typeof grid
      const there = (
        await choosePostprocess(predictor, data, other, { ...grid, ...fixed }, progress)
      ).chosen
      const s = chosen.settings
      const text = `TTA ${s.tta ? 'on' : 'off'}, ${s.threshold}, ${s.minSize} px, floor ${s.minScore}, h ${s.h ?? s.seedLevel}`
      process.stderr.write('\n')
      console.log(
        `| half ${k + 1} (${half.length}) | ${minScore.join('/')} | ${text} | ${chosen.f1.toFixed(3)} | ${there.f1.toFixed(3)} |`
      )
    }
  }
}
if (values.halves) {
  await crossHalves()
  predictor.model.dispose()
  process.exit(0)
}
const r = await choosePostprocess(
  predictor,
  data,
  samples,
  {
    ...DEFAULT_GRID,
    tta: [!values['no-tta']],
    threshold: [0.4, 0.5, 0.6],
    minSize: [20, 30, 40, 60],
    minScore: floors,
    h: [Number(values.h)]
  },
  progress
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
