import type { Command } from 'commander'
import { backendLine, backendList } from '../../src-preload/options/backend'
import { asFlag, definedOnly, parseOptions } from '../../src-preload/options/common'
import {
  trainConfig,
  type AugmentConfig,
  type TrainConfig,
  type TrainConfigInput
} from '../engine/config'
import { trainRun } from '../engine/train/train-run'
import { withInitSettings } from '../engine/train/init-settings'

const num = (v: string) => Number(v)
const fmtTime = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)}h` : s >= 60 ? `${Math.round(s / 60)}m` : `${Math.round(s)}s`
/** A validation figure, `NaN` when the run has none. */
const fmtVal = (v: number | null, digits: number) => (v === null ? 'NaN' : v.toFixed(digits))

/** Training options the `train` command has no flag for, and why. */
export const TRAIN_OPTIONS_WITHOUT_FLAG: Partial<Record<keyof TrainConfig, string>> = {
  previews: 'how many validation previews a job streams to the app; the CLI writes previews/'
}

/** Flags of the `train` command that are not training options. */
export const TRAIN_CLI_ONLY_FLAGS = ['resume', 'json'] as const

/** Augmentation flags: each flag's attribute name and the augmentation setting it sets. */
export const TRAIN_AUGMENT_FLAGS: Record<string, keyof AugmentConfig> = {
  flip: 'flip',
  rot90: 'rot90',
  affine: 'affine',
  rotateDeg: 'rotateDeg',
  scaleJitter: 'scale',
  shift: 'shift',
  elastic: 'elastic',
  elasticAlpha: 'elasticAlpha',
  elasticSigma: 'elasticSigma',
  intensity: 'intensity',
  brightness: 'brightness',
  contrast: 'contrast',
  gamma: 'gamma',
  noise: 'noise'
}

/** The augmentation settings given on the command line (negated switches only when off). */
function augmentFlags(o: Record<string, unknown>): Partial<AugmentConfig> {
  const out: Record<string, unknown> = {}
  for (const [flag, key] of Object.entries(TRAIN_AUGMENT_FLAGS)) {
    const v = o[flag]
    if (v === undefined || v === true) continue
    out[key] = v
  }
  return out as Partial<AugmentConfig>
}

/** `train`: train a U-Net / UNet++ on a dataset folder into a run folder. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a segmentation model; progress on stderr, run folder in --out')
    .option('--data <dir>', 'dataset folder (DSB2018 layout, image/mask pairs)')
    .requiredOption('--out <dir>', 'run folder (config.json, log.csv, model/, last/)')
    .option('--arch <kind>', 'unet or unetpp')
    .option('--size <n>', 'square patch size (multiple of 2^depth)', num)
    .option('--base <n>', 'filters on the first level', num)
    .option('--depth <n>', 'pooling steps', num)
    .option('--epochs <n>', 'epochs', num)
    .option('--patches <n>', 'random patches per image per epoch', num)
    .option('--object-patches <f>', 'fraction of patches placed on a labelled pixel (0..1)', num)
    .option('--batch <n>', 'batch size', num)
    .option('--lr <x>', 'learning rate', num)
    .option('--optimizer <kind>', 'adam, sgd (momentum) or rmsprop')
    .option('--momentum <m>', 'momentum of sgd and rmsprop', num)
    .option('--schedule <kind>', 'constant, cosine or plateau')
    .option('--min-lr <x>', 'lowest learning rate of the cosine and plateau schedules', num)
    .option('--plateau-patience <n>', 'plateau: epochs without improvement before a cut', num)
    .option('--plateau-factor <f>', 'plateau: factor applied to the learning rate', num)
    .option('--early-stop <n>', 'stop after n epochs without val-loss improvement', num)
    .option('--loss <kind>', 'bce, dice, bce-dice, focal, ce')
    .option('--focal-gamma <g>', 'focusing exponent of the focal loss', num)
    .option('--classes <n>', '1 = binary; C >= 2 = class-index masks', num)
    .option(
      '--target <kind>',
      'binary, classes, or instances (boundary/distance maps that separate touching objects); default: classes for class masks, else binary (instance masks train their foreground and are split after prediction)'
    )
    .option('--separation <kind>', 'instances: boundary, distance, or both')
    .option(
      '--touch-weight <w0>',
      'instances: extra loss weight where objects touch (0 = off)',
      num
    )
    .option('--touch-sigma <px>', 'instances: decay of the touching weight, in pixels', num)
    .option('--distance-cap <px>', 'instances: normalise distances by at most this (0 = none)', num)
    .option('--ignore-index <n>', 'label value ignored by multi-class loss/metrics', num)
    .option('--class-weights <list>', 'comma-separated class weights', (v) =>
      v.split(',').map(Number)
    )
    .option('--auto-class-weights', 'median-frequency class weights from the training labels')
    .option('--invert-mask', 'foreground is the dark (zero) mask value, e.g. ISBI membranes')
    .option(
      '--polarity',
      'invert each image whose background is bright (median above mean) after standardising'
    )
    .option('--val <fraction>', 'validation fraction', num)
    .option('--split-mode <mode>', 'random, or block (a contiguous run of ids, e.g. EM sections)')
    .option('--seed <n>', 'seed for split, init, patches and augmentation', num)
    .option('--resize', 'scale whole images to size x size instead of random crops')
    .option('--no-batch-norm', 'disable batch normalisation')
    .option('--dropout <rate>', 'dropout after the deepest blocks', num)
    .option('--upsample <kind>', 'bilinear or transpose')
    .option('--deep-supervision', 'UNet++ deep supervision')
    .option('--no-augment', 'disable augmentation')
    .option('--no-flip', 'augmentation: no random horizontal/vertical flips')
    .option('--no-rot90', 'augmentation: no random quarter turns')
    .option('--affine <p>', 'augmentation: probability of a rotate/scale/shift (0..1)', num)
    .option('--rotate-deg <deg>', 'affine: largest rotation in degrees', num)
    .option('--scale-jitter <f>', 'affine: largest relative zoom (0.1 = ±10%)', num)
    .option('--shift <f>', 'affine: largest shift as a fraction of the patch', num)
    .option('--elastic <p>', 'augmentation: probability of an elastic deformation (0..1)', num)
    .option('--elastic-alpha <px>', 'elastic: largest displacement in pixels', num)
    .option('--elastic-sigma <px>', 'elastic: smoothness of the displacement field', num)
    .option('--intensity <p>', 'augmentation: probability of brightness/contrast/gamma jitter', num)
    .option('--brightness <b>', 'jitter: largest brightness change (0..1 intensities)', num)
    .option('--contrast <c>', 'jitter: largest relative contrast change', num)
    .option('--gamma <g>', 'jitter: largest log-gamma change', num)
    .option('--noise <sd>', 'augmentation: standard deviation of Gaussian noise (0 = off)', num)
    .option('--val-tiles <n>', 'validation tiles per image (0 = all)', num)
    .option('--limit <n>', 'use at most n images', num)
    .option(
      '--init <run|model>',
      "fine-tune: start from this model's weights (its architecture and label type are kept; a fresh split over the images labelled now)"
    )
    .option('--backend <name>', backendList())
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--json', 'print a JSON summary as the last stdout line')
    .action(async (o) => {
      const { json, resume, augment, batchNorm, ...given } = o
      const rest = Object.fromEntries(
        Object.entries(given).filter(([k]) => !(k in TRAIN_AUGMENT_FLAGS))
      )
      if (!resume && !rest.data) throw new Error('--data is required (unless --resume)')
      let input: Partial<TrainConfigInput> & { out: string } = {
        ...definedOnly(rest),
        out: o.out
      }
      const augmentGiven = augmentFlags(given)
      if (augment === false)
        input.augment = { flip: false, rot90: false, affine: 0, elastic: 0, intensity: 0, noise: 0 }
      else if (Object.keys(augmentGiven).length) input.augment = augmentGiven
      if (batchNorm === false) input.batchNorm = false
      if (resume && input.init)
        throw new Error(
          '--init starts a new run: leave out --resume (a resumed run keeps its own weights and split)'
        )
      if (input.init) input = await withInitSettings({ ...input, init: input.init })
      if (!resume) parseOptions(trainConfig, input, 'bad training config', asFlag)
      let stopping = false
      process.once('SIGINT', () => {
        stopping = true
        process.stderr.write('\nstopping after this step (checkpoint in last/)...\n')
      })
      const started = Date.now()
      const summary = await trainRun(
        input,
        {
          onBackend: (report) => process.stderr.write(`${backendLine(report)}\n`),
          onLog: (m) => process.stderr.write(`${m}\n`),
          onStep: (s) => {
            if (s.step % 10 === 0 || s.step === s.steps)
              process.stderr.write(
                `epoch ${s.epoch} step ${s.step}/${s.steps} loss ${s.loss.toFixed(4)} iou ${s.iou.toFixed(3)} ${s.imagesPerSec.toFixed(1)} img/s ETA ${fmtTime(s.etaSeconds)}\n`
              )
          },
          onEpoch: (e) =>
            process.stderr.write(
              `epoch ${e.epoch}/${e.epochs} lr ${e.lr.toExponential(2)} loss ${e.loss.toFixed(4)} iou ${e.iou.toFixed(3)} val_loss ${fmtVal(e.valLoss, 4)} val_iou ${fmtVal(e.valIou, 3)} val_dice ${fmtVal(e.valDice, 3)} ${e.seconds.toFixed(1)}s${e.best ? ' *best' : ''} ETA ${fmtTime(e.etaSeconds)}\n`
            ),
          shouldStop: () => stopping
        },
        { resume: Boolean(resume) }
      )
      const wall = (Date.now() - started) / 1000
      process.stderr.write(
        `done: ${summary.epochs} epochs, best val IoU ${summary.bestValIou.toFixed(4)} at epoch ${summary.bestEpoch}, ${fmtTime(wall)}\n`
      )
      if (json)
        process.stdout.write(
          JSON.stringify({ ...summary, backend: summary.backend.name, wallSeconds: wall }) + '\n'
        )
    })
}
