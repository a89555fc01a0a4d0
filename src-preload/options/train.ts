/**
 * Training options: one schema for the engine, the CLI flags, the `train:start` channel and the
 * Train panel's defaults. Defaults are written here only; cross-field rules live beside them.
 */
import { z } from 'zod'
import { backendName } from './backend'
import { path } from './common'
import { LABEL_KINDS, SEPARATIONS } from './target'

/** Augmentation settings; probabilities in 0..1, magnitudes in natural units. */
export const augmentSchema = z.strictObject({
  flip: z.boolean().default(true),
  rot90: z.boolean().default(true),
  /** Probability of a random rotate/scale/shift. */
  affine: z.number().min(0).max(1).default(0),
  rotateDeg: z.number().min(0).default(15),
  scale: z.number().min(0).max(0.9).default(0.1),
  shift: z.number().min(0).max(0.5).default(0.05),
  /** Probability of an elastic deformation. */
  elastic: z.number().min(0).max(1).default(0),
  elasticAlpha: z.number().min(0).default(8),
  elasticSigma: z.number().min(0.5).default(4),
  /** Probability of brightness/contrast/gamma jitter. */
  intensity: z.number().min(0).max(1).default(0.5),
  brightness: z.number().min(0).default(0.1),
  contrast: z.number().min(0).default(0.2),
  gamma: z.number().min(0).default(0.2),
  /** Standard deviation of additive Gaussian noise (on 0..1 intensities); 0 = off. */
  noise: z.number().min(0).default(0)
})

/** Augmentation settings with every default filled. */
export type AugmentConfig = z.infer<typeof augmentSchema>

/** Every training setting except the dataset and run folders, each with its default. */
const trainSettings = {
  arch: z.enum(['unet', 'unetpp']).default('unet'),
  /** Square patch side in pixels (a multiple of 2^depth). */
  size: z.number().int().min(16).max(4096).default(96),
  /** Filters on the first level (doubled per level). */
  base: z.number().int().min(1).max(512).default(16),
  /** Pooling steps. */
  depth: z.number().int().min(1).max(7).default(4),
  batchNorm: z.boolean().default(true),
  dropout: z.number().min(0).max(0.9).default(0),
  upsample: z.enum(['bilinear', 'transpose']).default('bilinear'),
  deepSupervision: z.boolean().default(false),
  epochs: z.number().int().min(1).default(40),
  /** Random patches per training image per epoch. */
  patches: z.number().int().min(1).default(4),
  /** Fraction of the patches placed on a random labelled (non-zero) pixel instead of anywhere. */
  objectPatches: z.number().min(0).max(1).default(0),
  batch: z.number().int().min(1).default(8),
  lr: z.number().positive().default(1e-3),
  optimizer: z.enum(['adam', 'sgd', 'rmsprop']).default('adam'),
  momentum: z.number().min(0).max(1).default(0.9),
  schedule: z.enum(['constant', 'cosine', 'plateau']).default('constant'),
  minLr: z.number().min(0).default(1e-6),
  plateauPatience: z.number().int().min(1).default(5),
  plateauFactor: z.number().gt(0).lt(1).default(0.5),
  /** Stop when val loss has not improved for this many epochs; 0 = never. */
  earlyStop: z.number().int().min(0).default(0),
  loss: z.enum(['bce', 'dice', 'bce-dice', 'focal', 'ce']).default('bce-dice'),
  focalGamma: z.number().min(0).default(2),
  /** 1 = binary (sigmoid); C >= 2 = multi-class (softmax) with class-index labels. */
  classes: z.number().int().min(1).max(255).default(1),
  classWeights: z.array(z.number().min(0)).optional(),
  /** Compute median-frequency class weights from the training labels (when none are given). */
  autoClassWeights: z.boolean().default(false),
  /** Label value ignored by multi-class losses and metrics; -1 = none. */
  ignoreIndex: z.number().int().default(-1),
  /**
   * What the model learns: a binary mask, class indices, or instances (boundary and distance maps
   * separating touching objects). Default: classes for class masks, else binary (instance masks
   * train their foreground, split after prediction: it scored better, bench/README.md).
   */
  target: z.enum(LABEL_KINDS).optional(),
  /** Instances: how touching objects are separated (boundary classes, distance, or both). */
  separation: z.enum(SEPARATIONS).default('both'),
  /**
   * Instances: the distance target is each object's distance to its border over its largest
   * distance, or over this many pixels when smaller (a core of 1s in large objects); 0 = no cap.
   */
  distanceCap: z.number().min(0).default(0),
  /** Instances: extra loss weight w0 where two objects nearly touch (U-Net weight map); 0 = off. */
  touchWeight: z.number().min(0).default(10),
  /** Instances: decay of the touching weight with the distance to two objects, in pixels. */
  touchSigma: z.number().positive().default(5),
  /** Binary only: foreground is the mask's zero (dark) pixels, e.g. ISBI membranes. */
  invertMask: z.boolean().default(false),
  /**
   * Invert each image whose background is bright (its median above its mean: brightfield,
   * stained) after standardising it, so objects are brighter than their surroundings in every
   * image; for datasets that mix fluorescence with brightfield or stained images.
   */
  polarity: z.boolean().default(false),
  /** Fraction of the images held out for validation. */
  val: z.number().min(0).max(0.9).default(0.2),
  /** random: seeded shuffle; block: a seeded contiguous run of ids (serial sections, video). */
  splitMode: z.enum(['random', 'block']).default('random'),
  /** Seed of the split, initialisation, patches and augmentation. */
  seed: z.number().int().default(41),
  /** Scale whole images to size x size instead of random native-resolution crops. */
  resize: z.boolean().default(false),
  /** Use at most this many images of the dataset (after sorting by id); 0 = all. */
  limit: z.number().int().min(0).default(0),
  /** Validation tiles per image (spread evenly, centre first for one); 0 = every tile. */
  valTiles: z.number().int().min(0).default(16),
  /** Validation images sent as previews per epoch (job host). */
  previews: z.number().int().min(0).default(1),
  augment: augmentSchema.default(augmentSchema.parse({})),
  /**
   * Fine-tune: start from this model's weights (a run folder, or a model folder) instead of a
   * random initialisation; its architecture, input channels and label type are kept.
   */
  init: path.optional(),
  backend: backendName.optional()
}

/**
 * Settings a fine-tuned run takes from the model it starts from (its weights only fit that
 * architecture; its outputs mean that label type). Given explicitly, each must match.
 */
export const INIT_INHERITED = [
  'arch',
  'base',
  'depth',
  'batchNorm',
  'upsample',
  'deepSupervision',
  'classes',
  'invertMask',
  'polarity',
  'ignoreIndex',
  'resize'
] as const satisfies readonly (keyof typeof trainSettings)[]

/** Settings a fine-tuned run takes from its model when not given, free to differ. */
export const INIT_DEFAULTED = [
  'size',
  'dropout',
  'loss'
] as const satisfies readonly (keyof typeof trainSettings)[]

/** The figures the cross-field rules read. */
interface Checked {
  loss: string
  classes: number
  target?: string
  separation: string
  classWeights?: number[]
  size: number
  depth: number
}

/** Losses that work with more than one class. */
const MULTI_CLASS_LOSSES = ['ce', 'focal', 'dice']

/** Rules across fields, each reported on the field to change. */
function checkTrain(cfg: Checked, ctx: z.RefinementCtx): void {
  const issue = (field: keyof Checked, message: string) =>
    ctx.addIssue({ code: 'custom', path: [field], message })
  if (cfg.classes === 1 && cfg.loss === 'ce')
    issue('loss', 'loss "ce" (cross-entropy) is for multi-class runs and needs classes >= 2')
  if (cfg.classes > 1 && !MULTI_CLASS_LOSSES.includes(cfg.loss))
    issue(
      'loss',
      `loss "${cfg.loss}" is for binary masks; a ${cfg.classes}-class run needs ${MULTI_CLASS_LOSSES.join(', ')}`
    )
  if (cfg.target === 'instances' && cfg.classes > 1)
    issue('target', 'target "instances" needs classes 1 (one kind of object)')
  if (cfg.target === 'classes' && cfg.classes < 2)
    issue('target', 'target "classes" needs classes >= 2')
  const threeClass = cfg.target === 'instances' && cfg.separation !== 'distance'
  const weights = threeClass ? 3 : Math.max(2, cfg.classes)
  if (cfg.classWeights && cfg.classWeights.length !== weights)
    issue('classWeights', `classWeights needs ${weights} values, got ${cfg.classWeights.length}`)
  if (cfg.size % 2 ** cfg.depth !== 0)
    issue('size', `size ${cfg.size} must be a multiple of 2^depth = ${2 ** cfg.depth}`)
}

/** Everything a training run needs; unknown keys are refused, defaults filled. */
export const trainConfig = z
  .strictObject({ data: path, out: path, ...trainSettings })
  .superRefine(checkTrain)

/** A training configuration with every default filled. */
export type TrainConfig = z.output<typeof trainConfig>
/** A training configuration as a caller writes it: only data and out are required. */
export type TrainConfigInput = z.input<typeof trainConfig>

/** `train:start`: the same options; the run folder defaults to `<data>/.unet-studio/runs/<time>`. */
export const trainStart = z
  .strictObject({ data: path, out: path.optional(), ...trainSettings })
  .superRefine(checkTrain)

/** The schema inside a default (`z.number().default(1)` → `z.number()`). */
type NoDefault<T> = T extends z.ZodDefault<infer I> ? I : T

/** Every setting but `init`, optional and with no default filled in. */
type OptionalSettings = {
  [K in Exclude<keyof typeof trainSettings, 'init'>]: z.ZodOptional<
    NoDefault<(typeof trainSettings)[K]>
  >
}

function optionalSettings(): OptionalSettings {
  const entries = Object.entries(trainSettings)
    .filter(([k]) => k !== 'init')
    .map(([k, v]) => [k, (v instanceof z.ZodDefault ? v.unwrap() : v).optional()])
  return Object.fromEntries(entries) as OptionalSettings
}

/**
 * `train:finetune`: a new run on `data` starting from the model `init`. Only what is given is
 * sent on: the architecture and label type come from `init` (a different value given here is
 * refused by name), everything else from the training defaults.
 */
export const trainFinetune = z.strictObject({
  data: path,
  init: path,
  out: path.optional(),
  ...optionalSettings()
})

/** A fine-tune request as a caller writes it. */
export type TrainFinetuneInput = z.input<typeof trainFinetune>

/** What resuming a run may say: the run folder, and optionally more epochs or another backend. */
export const trainResume = z.strictObject({
  out: path,
  /** The dataset, used only when the run has no checkpoint yet and starts anew. */
  data: path.optional(),
  epochs: trainSettings.epochs.unwrap().optional(),
  backend: backendName.optional()
})

/** What resuming a run may say. */
export type TrainResumeInput = z.input<typeof trainResume>

/** Every training setting's default (no dataset or run folder). */
export const TRAIN_DEFAULTS: Omit<TrainConfig, 'data' | 'out'> = z.object(trainSettings).parse({})

/** The names of the training options, for completeness checks (CLI flags, forms). */
export const TRAIN_OPTION_NAMES = Object.keys(trainConfig.shape) as (keyof TrainConfig)[]
