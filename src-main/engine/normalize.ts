import type { AnyImage } from '../data/image-io'

/**
 * Per-image input normalisation, shared by training, eval and prediction: standardise each image;
 * with `-polarity`, also invert the images whose background is bright (see `polaritySign`).
 */
export type Normalization = 'per-image-standardize' | 'per-image-standardize-polarity'

/** A decoded image scaled to 0..1, HWC, with the channel count the model expects. */
export interface UnitImage {
  data: Float32Array
  width: number
  height: number
  channels: number
}

/**
 * Convert to `channels` (gray→replicate, colour→mean of RGB) and scale to 0..1 by bit depth
 * (float images keep their values: the per-image standardisation that follows needs no range).
 */
export function toUnit(raw: AnyImage, channels: number): UnitImage {
  const { width, height, channels: c } = raw
  const scale = raw.bitDepth === 32 ? 1 : raw.bitDepth === 16 ? 1 / 65535 : 1 / 255
  const n = width * height
  const data = new Float32Array(n * channels)
  const colour = Math.min(c, 3)
  for (let i = 0; i < n; i++) {
    if (channels === c) {
      for (let k = 0; k < c; k++) data[i * c + k] = raw.data[i * c + k] * scale
    } else if (channels === 1) {
      let s = 0
      for (let k = 0; k < colour; k++) s += raw.data[i * c + k]
      data[i] = (s / colour) * scale
    } else {
      for (let k = 0; k < channels; k++)
        data[i * channels + k] = raw.data[i * c + Math.min(k, c - 1)] * scale
    }
  }
  return { data, width, height, channels }
}

/** Mean and standard deviation over all pixels and channels. */
export function imageStats(data: Float32Array): { mean: number; std: number } {
  let s = 0
  let s2 = 0
  for (const v of data) {
    s += v
    s2 += v * v
  }
  const n = data.length || 1
  const mean = s / n
  return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)) }
}

/**
 * −1 when the median of `data` lies above its mean (most pixels are brighter than the average:
 * a bright background, as in brightfield and stained images, with darker objects), else +1.
 */
export function polaritySign(data: Float32Array, mean: number): 1 | -1 {
  if (data.length === 0) return 1
  const sorted = Float32Array.from(data).sort()
  return sorted[sorted.length >> 1] > mean ? -1 : 1
}

/** What standardising an image takes: its mean and std, and the sign `normalization` applies. */
export interface ImageNormalization {
  mean: number
  std: number
  sign: 1 | -1
}

/** The statistics `normalization` standardises a 0..1 image (or patches cut from it) with. */
export function normalizationOf(
  data: Float32Array,
  normalization: Normalization
): ImageNormalization {
  const { mean, std } = imageStats(data)
  const polarity = normalization === 'per-image-standardize-polarity'
  return { mean, std, sign: polarity ? polaritySign(data, mean) : 1 }
}

/**
 * Standardise in place with given statistics (std floored to avoid blowing up flat images), times
 * `sign`.
 */
export function standardize(
  data: Float32Array,
  mean: number,
  std: number,
  sign: 1 | -1 = 1
): Float32Array {
  const inv = sign / Math.max(std, 1e-3)
  for (let i = 0; i < data.length; i++) data[i] = (data[i] - mean) * inv
  return data
}

/**
 * The run's input normalisation, for training, eval and prediction alike: scale to 0..1 by bit
 * depth, then subtract the whole image's mean and divide by its std (and invert a bright-background
 * image with '-polarity').
 */
export function normalizeImage(
  raw: AnyImage,
  channels: number,
  normalization: Normalization = 'per-image-standardize'
): UnitImage {
  const unit = toUnit(raw, channels)
  const { mean, std, sign } = normalizationOf(unit.data, normalization)
  standardize(unit.data, mean, std, sign)
  return unit
}
