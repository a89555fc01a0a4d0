import { z } from 'zod'
import * as C from './constants'

/** Augmentation settings; probabilities in 0..1, magnitudes in natural units. */
export const augmentSchema = z.object({
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

/** Everything a training run needs; `validateConfig` fills defaults and rejects bad values. */
export const trainSchema = z.object({
  data: z.string().min(1),
  out: z.string().min(1),
  arch: z.enum(['unet', 'unetpp']).default(C.DEFAULT_ARCH),
  size: z.number().int().min(16).max(4096).default(C.DEFAULT_SIZE),
  base: z.number().int().min(1).max(512).default(C.DEFAULT_BASE),
  depth: z.number().int().min(1).max(7).default(C.DEFAULT_DEPTH),
  batchNorm: z.boolean().default(true),
  dropout: z.number().min(0).max(0.9).default(0),
  upsample: z.enum(['bilinear', 'transpose']).default('bilinear'),
  deepSupervision: z.boolean().default(false),
  epochs: z.number().int().min(1).default(C.DEFAULT_EPOCHS),
  patches: z.number().int().min(1).default(C.DEFAULT_PATCHES),
  batch: z.number().int().min(1).default(C.DEFAULT_BATCH),
  lr: z.number().positive().default(C.DEFAULT_LR),
  optimizer: z.enum(['adam', 'sgd', 'rmsprop']).default('adam'),
  momentum: z.number().min(0).max(1).default(0.9),
  schedule: z.enum(['constant', 'cosine', 'plateau']).default('constant'),
  minLr: z.number().min(0).default(1e-6),
  plateauPatience: z.number().int().min(1).default(5),
  plateauFactor: z.number().gt(0).lt(1).default(0.5),
  /** Stop when val loss has not improved for this many epochs; 0 = never. */
  earlyStop: z.number().int().min(0).default(0),
  loss: z.enum(['bce', 'dice', 'bce-dice', 'focal', 'ce']).default(C.DEFAULT_LOSS),
  focalGamma: z.number().min(0).default(2),
  /** 1 = binary (sigmoid); C >= 2 = multi-class (softmax) with class-index labels. */
  classes: z.number().int().min(1).max(255).default(1),
  classWeights: z.array(z.number().min(0)).optional(),
  /** Compute median-frequency class weights from the training labels (when none are given). */
  autoClassWeights: z.boolean().default(false),
  ignoreIndex: z.number().int().default(C.DEFAULT_IGNORE_INDEX),
  /** Binary only: foreground is the mask's zero (dark) pixels, e.g. ISBI membranes. */
  invertMask: z.boolean().default(false),
  val: z.number().min(0).max(0.9).default(C.DEFAULT_VAL_FRACTION),
  /** random: seeded shuffle; block: a seeded contiguous run of ids (serial sections, video). */
  splitMode: z.enum(['random', 'block']).default('random'),
  seed: z.number().int().default(C.DEFAULT_SEED),
  /** Scale whole images to size x size instead of random native-resolution crops. */
  resize: z.boolean().default(false),
  /** Use at most this many images of the dataset (after sorting by id); 0 = all. */
  limit: z.number().int().min(0).default(0),
  /** Validation tiles per image (spread evenly, centre first for one); 0 = every tile. */
  valTiles: z.number().int().min(0).default(16),
  /** Validation images sent as previews per epoch (job host). */
  previews: z.number().int().min(0).default(1),
  augment: augmentSchema.default(augmentSchema.parse({})),
  backend: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional()
})

/** A training configuration with every default filled. */
export type TrainConfig = z.infer<typeof trainSchema>
/** A training configuration as a caller writes it: only data and out are required. */
export type TrainConfigInput = z.input<typeof trainSchema>

/** Per-image input normalisation, shared by training, eval and prediction. */
export type Normalization = 'per-image-standardize'

/** Saved as `config.json` in a run folder: the stable contract read by prediction and eval. */
export interface RunConfig extends TrainConfig {
  version: number
  /** Input channels the model expects (images are converted to this count). */
  channels: number
  /** The model outputs logits: sigmoid for 1 class, softmax over `classes` otherwise. */
  output: 'logits'
  /** Scale to 0..1 by bit depth, then subtract the image mean and divide by its std. */
  normalization: Normalization
  /** What the foreground (class 1) is, in words, for binary runs. */
  foreground: string
  /** Sample ids of the seeded split. */
  split: { train: string[]; val: string[] }
  createdAt: string
}

/** Fill defaults and reject bad values, naming the offending field. */
export function validateConfig(input: TrainConfigInput): TrainConfig {
  const parsed = trainSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`bad training config: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  const cfg = parsed.data
  if (cfg.classes === 1 && cfg.loss === 'ce') throw new Error('loss "ce" needs --classes >= 2')
  if (cfg.classes > 1 && cfg.loss !== 'ce' && cfg.loss !== 'focal' && cfg.loss !== 'dice') {
    throw new Error(
      `loss "${cfg.loss}" is binary only; use ce, focal or dice for ${cfg.classes} classes`
    )
  }
  if (cfg.classWeights && cfg.classWeights.length !== Math.max(2, cfg.classes)) {
    throw new Error(`classWeights needs ${Math.max(2, cfg.classes)} values`)
  }
  if (cfg.size % 2 ** cfg.depth !== 0) {
    throw new Error(`size ${cfg.size} must be a multiple of 2^depth = ${2 ** cfg.depth}`)
  }
  return cfg
}
