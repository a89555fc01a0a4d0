import { tf } from '../backend/tf'
import { PREDICT_DEFAULTS } from '../../../src-preload/options/predict'
import { type Activation, activate } from '../targets/activation'
import type { ProbabilityMap } from '../postprocess/postprocess'
import { axisPadding, blendWindow, fitTile, mirrorPad, tileStarts } from './tiling'

/** A loaded model and what its output means. */
export interface Predictor {
  model: tf.LayersModel
  /** Input channels the model expects. */
  channels: number
  /** Output channels (1 = binary; an instance head's channels for instance runs). */
  classes: number
  /** Input sizes must be multiples of this (2^depth). */
  divisor: number
  /** What turns the raw output into probabilities. */
  activation: Activation
  /** Inference-only forward (the folded graph of `engine/infer/infer-graph.ts`); default `model.predict`. */
  forward?: (x: tf.Tensor4D) => tf.Tensor
}

/** Overlap-tile settings. */
export interface TileOptions {
  /**
   * Largest tile side in pixels (rounded down to the divisor; each axis gets the smallest tiles
   * that cover it in as many tiles, see `fitTile`); 0 = the whole (padded) image at once.
   */
  tile: number
  /** Pixels shared by neighbouring tiles. */
  overlap: number
  /** Tiles per forward pass. */
  batchSize: number
  /** Resize factor applied before inference (the map is resized back). */
  scale: number
  /** Resize to exactly this [width, height] before inference instead (runs trained with resize). */
  resizeTo?: [number, number]
  /** Test-time augmentation: average the probabilities of the 8 flips and transposes of each tile. */
  tta?: boolean
  signal?: AbortSignal
}

/** Defaults: the prediction options' overlap and tiles per batch, no rescaling. */
export const DEFAULT_TILE_OPTIONS: Omit<TileOptions, 'tile'> = {
  overlap: PREDICT_DEFAULTS.overlap,
  batchSize: PREDICT_DEFAULTS.batch,
  scale: 1
}

/** Pixels per forward pass at most (fewer tiles per batch when tiles are large): 8 × 128². */
export const BATCH_PIXELS = 8 * 128 * 128

/** A normalised image: interleaved HWC floats. */
export interface FloatImage {
  data: Float32Array
  width: number
  height: number
  channels: number
}

function resize(img: FloatImage, width: number, height: number): FloatImage {
  if (width === img.width && height === img.height) return img
  const data = tf.tidy(() => {
    const t = tf.tensor3d(img.data, [img.height, img.width, img.channels])
    return tf.image.resizeBilinear(t, [height, width], false, true).dataSync() as Float32Array
  })
  return { data: Float32Array.from(data), width, height, channels: img.channels }
}

/** The 8 flips and transposes of a batch [N,H,W,C], each with its inverse. */
const DIHEDRAL: { flip: number[]; transpose: boolean }[] = [[], [1], [2], [1, 2]].flatMap((flip) =>
  [false, true].map((transpose) => ({ flip, transpose }))
)

/** Mean of `run` over the 8 dihedral transforms of `x`, each mapped back (test-time augmentation). */
function dihedralMean(x: tf.Tensor4D, run: (t: tf.Tensor4D) => tf.Tensor): tf.Tensor {
  const outs = DIHEDRAL.map(({ flip, transpose }) => {
    let t: tf.Tensor4D = flip.length ? tf.reverse(x, flip) : x
    if (transpose) t = tf.transpose(t, [0, 2, 1, 3])
    let y = run(t)
    if (transpose) y = tf.transpose(y, [0, 2, 1, 3])
    return flip.length ? tf.reverse(y, flip) : y
  })
  return tf.div(tf.addN(outs), outs.length)
}

/**
 * Throws when `overlap` leaves no room in tiles of `tile` px (rounded down to the model's
 * divisor, as prediction rounds them): every image would fail. A tile of 0 (whole) always fits.
 */
export function checkTiling(
  predictor: Pick<Predictor, 'divisor'>,
  tile: number,
  overlap: number
): void {
  if (tile <= 0) return
  const maxTile = Math.max(
    predictor.divisor,
    Math.floor(tile / predictor.divisor) * predictor.divisor
  )
  const o = Math.max(0, Math.round(overlap))
  if (o >= maxTile) throw new Error(`overlap ${o} must be smaller than the tile ${maxTile}`)
}

/**
 * Predict a whole image of any size by overlap-tile inference (Ronneberger 2015): mirror-pad the
 * edges, run tiles of the model's size in batches, and blend overlapping tiles with a window that
 * ignores each tile's cut-off border. Returns probabilities at the input's size.
 */
export async function predictImage(
  predictor: Predictor,
  image: FloatImage,
  options: Partial<TileOptions> & { tile: number }
): Promise<ProbabilityMap> {
  const o = { ...DEFAULT_TILE_OPTIONS, ...options }
  const { divisor, classes } = predictor
  const C = image.channels
  if (C !== predictor.channels) {
    throw new Error(`image has ${C} channels, the model expects ${predictor.channels}`)
  }
  const [sw, sh] = o.resizeTo ?? [
    Math.max(1, Math.round(image.width * o.scale)),
    Math.max(1, Math.round(image.height * o.scale))
  ]
  const scaled = resize(image, sw, sh)
  const { width, height } = scaled
  const roundUp = (n: number): number => Math.ceil(n / divisor) * divisor
  const whole = o.tile <= 0
  const overlap = whole ? 0 : Math.max(0, Math.round(o.overlap))
  const maxTile = Math.max(divisor, Math.floor(o.tile / divisor) * divisor)
  if (!whole) checkTiling(predictor, o.tile, overlap)
  const tileW = whole ? roundUp(width) : fitTile(width, maxTile, overlap, divisor)
  const tileH = whole ? roundUp(height) : fitTile(height, maxTile, overlap, divisor)
  const batchSize = Math.max(1, Math.min(o.batchSize, Math.floor(BATCH_PIXELS / (tileW * tileH))))
  const padX = axisPadding(width, tileW, overlap)
  const padY = axisPadding(height, tileH, overlap)
  const padded = mirrorPad(scaled.data, width, height, C, padX, padY)
  const xs = tileStarts(padded.width, tileW, overlap)
  const ys = tileStarts(padded.height, tileH, overlap)
  const wx = blendWindow(tileW, overlap)
  const wy = blendWindow(tileH, overlap)
  const acc = new Float32Array(padded.width * padded.height * classes)
  const wsum = new Float32Array(padded.width * padded.height)
  const tiles = ys.flatMap((y) => xs.map((x) => [x, y] as const))
  for (let b = 0; b < tiles.length; b += batchSize) {
    if (o.signal?.aborted) throw new Error('prediction cancelled')
    const batch = tiles.slice(b, b + batchSize)
    const input = new Float32Array(batch.length * tileW * tileH * C)
    batch.forEach(([x0, y0], k) => {
      for (let y = 0; y < tileH; y++) {
        const src = ((y0 + y) * padded.width + x0) * C
        input.set(padded.data.subarray(src, src + tileW * C), (k * tileH + y) * tileW * C)
      }
    })
    const out = tf.tidy(() => {
      const x = tf.tensor4d(input, [batch.length, tileH, tileW, C])
      const run = (t: tf.Tensor4D) => {
        const logits = predictor.forward
          ? predictor.forward(t)
          : (predictor.model.predict(t) as tf.Tensor)
        return activate(logits, predictor.activation)
      }
      return o.tta ? dihedralMean(x, run) : run(x)
    })
    const probs = (await out.data()) as Float32Array
    out.dispose()
    batch.forEach(([x0, y0], k) => {
      for (let y = 0; y < tileH; y++) {
        for (let x = 0; x < tileW; x++) {
          const w = wx[x] * wy[y] || (whole ? 1 : 0)
          if (w === 0) continue
          const p = (y0 + y) * padded.width + x0 + x
          wsum[p] += w
          const src = ((k * tileH + y) * tileW + x) * classes
          for (let c = 0; c < classes; c++) acc[p * classes + c] += w * probs[src + c]
        }
      }
    })
  }
  const data = new Float32Array(width * height * classes)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y + padY[0]) * padded.width + x + padX[0]
      const inv = wsum[p] > 0 ? 1 / wsum[p] : 0
      for (let c = 0; c < classes; c++)
        data[(y * width + x) * classes + c] = acc[p * classes + c] * inv
    }
  }
  const map: ProbabilityMap = { data, width, height, channels: classes }
  if (width === image.width && height === image.height) return map
  const back = resize(map, image.width, image.height)
  return { ...back, channels: classes }
}
