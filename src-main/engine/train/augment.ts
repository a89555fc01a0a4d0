import type { AugmentConfig } from '../config'
import type { Prng } from '../prng'

/** An image patch (float, interleaved HWC, 0..1 intensities) with its class-index label (HW). */
export interface Patch {
  image: Float32Array
  label: Uint8Array
  width: number
  height: number
  channels: number
  /** Instance targets: per-pixel target planes (interleaved), moved exactly as the label. */
  target?: Float32Array
}

/** Planes per pixel of a patch's target (0 without one). */
function planesOf(p: Patch): number {
  return p.target ? p.target.length / (p.width * p.height) : 0
}

/** Copy pixel `src` of the target planes to pixel `dst`. */
function copyPlanes(
  from: Float32Array,
  to: Float32Array,
  planes: number,
  src: number,
  dst: number
) {
  for (let k = 0; k < planes; k++) to[dst * planes + k] = from[src * planes + k]
}

/** Mirror an index into [0, n). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0
  const period = 2 * (n - 1)
  i = Math.abs(i) % period
  return i < n ? i : period - i
}

/** Resample with a source coordinate per output pixel: bilinear image, nearest label, mirrored border. */
export function remap(p: Patch, sx: Float32Array, sy: Float32Array): Patch {
  const { width: w, height: h, channels: c } = p
  const image = new Float32Array(p.image.length)
  const label = new Uint8Array(p.label.length)
  const planes = planesOf(p)
  const target = p.target ? new Float32Array(p.target.length) : undefined
  for (let i = 0; i < w * h; i++) {
    const x = sx[i]
    const y = sy[i]
    const nearest = reflect(Math.round(y), h) * w + reflect(Math.round(x), w)
    label[i] = p.label[nearest]
    if (target) copyPlanes(p.target!, target, planes, nearest, i)
    const x0 = Math.floor(x)
    const y0 = Math.floor(y)
    const fx = x - x0
    const fy = y - y0
    const xa = reflect(x0, w)
    const xb = reflect(x0 + 1, w)
    const ya = reflect(y0, h) * w
    const yb = reflect(y0 + 1, h) * w
    for (let k = 0; k < c; k++) {
      const v00 = p.image[(ya + xa) * c + k]
      const v01 = p.image[(ya + xb) * c + k]
      const v10 = p.image[(yb + xa) * c + k]
      const v11 = p.image[(yb + xb) * c + k]
      image[i * c + k] = (v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy
    }
  }
  return { ...p, image, label, target }
}

/**
 * Where output pixel (x, y) of a flip/quarter-turn reads from, as an offset into the source:
 * start + x·stepX + y·stepY (each turn and flip is an affine map of the coordinates).
 */
function permutationSteps(
  w: number,
  h: number,
  flipX: boolean,
  flipY: boolean,
  turns: number
): { start: number; stepX: number; stepY: number } {
  // Source column u = u0 + ux·x + uy·y and row v = v0 + vx·x + vy·y, per quarter turn.
  const maps = [
    [0, 1, 0, 0, 0, 1],
    [0, 0, 1, h - 1, -1, 0],
    [w - 1, -1, 0, h - 1, 0, -1],
    [w - 1, 0, -1, 0, 1, 0]
  ]
  let [u0, ux, uy, v0, vx, vy] = maps[turns]
  if (flipX) [u0, ux, uy] = [w - 1 - u0, -ux, -uy]
  if (flipY) [v0, vx, vy] = [h - 1 - v0, -vx, -vy]
  return { start: v0 * w + u0, stepX: vx * w + ux, stepY: vy * w + uy }
}

/** Flip (horizontal/vertical) and rotate by k quarter turns, as an exact pixel permutation. */
export function flipRotate(p: Patch, flipX: boolean, flipY: boolean, k: number): Patch {
  const { width: w, height: h, channels: c } = p
  const turns = ((k % 4) + 4) % 4
  const ow = turns % 2 ? h : w
  const oh = turns % 2 ? w : h
  const image = new Float32Array(p.image.length)
  const label = new Uint8Array(p.label.length)
  const planes = planesOf(p)
  const target = p.target ? new Float32Array(p.target.length) : undefined
  const { start, stepX, stepY } = permutationSteps(w, h, flipX, flipY, turns)
  const from = p.image
  for (let y = 0, dst = 0; y < oh; y++) {
    for (let x = 0, src = start + y * stepY; x < ow; x++, dst++, src += stepX) {
      label[dst] = p.label[src]
      if (target) copyPlanes(p.target!, target, planes, src, dst)
      if (c === 1) image[dst] = from[src]
      else if (c === 3) {
        image[dst * 3] = from[src * 3]
        image[dst * 3 + 1] = from[src * 3 + 1]
        image[dst * 3 + 2] = from[src * 3 + 2]
      } else for (let ch = 0; ch < c; ch++) image[dst * c + ch] = from[src * c + ch]
    }
  }
  return { ...p, image, label, target, width: ow, height: oh }
}

/** 1-D Gaussian blur in place along rows then columns (separable). */
function blur(field: Float32Array, w: number, h: number, sigma: number): void {
  const r = Math.ceil(2 * sigma)
  const kernel = Array.from({ length: 2 * r + 1 }, (_, i) =>
    Math.exp(-((i - r) ** 2) / (2 * sigma * sigma))
  )
  const norm = kernel.reduce((a, b) => a + b, 0)
  const tmp = new Float32Array(field.length)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0
      for (let i = -r; i <= r; i++) s += kernel[i + r] * field[y * w + reflect(x + i, w)]
      tmp[y * w + x] = s / norm
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0
      for (let i = -r; i <= r; i++) s += kernel[i + r] * tmp[reflect(y + i, h) * w + x]
      field[y * w + x] = s / norm
    }
}

/** Source coordinates for a random rotate/scale/shift (about the centre) plus optional elastic field. */
function sourceCoords(p: Patch, cfg: AugmentConfig, rng: Prng, affine: boolean, elastic: boolean) {
  const { width: w, height: h } = p
  const sx = new Float32Array(w * h)
  const sy = new Float32Array(w * h)
  const angle = affine ? (rng.uniform(-1, 1) * cfg.rotateDeg * Math.PI) / 180 : 0
  const scale = affine ? 1 + rng.uniform(-1, 1) * cfg.scale : 1
  const tx = affine ? rng.uniform(-1, 1) * cfg.shift * w : 0
  const ty = affine ? rng.uniform(-1, 1) * cfg.shift * h : 0
  const cos = Math.cos(angle) / scale
  const sin = Math.sin(angle) / scale
  const cx = (w - 1) / 2
  const cy = (h - 1) / 2
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const dx = x - cx - tx
      const dy = y - cy - ty
      sx[y * w + x] = cx + cos * dx + sin * dy
      sy[y * w + x] = cy - sin * dx + cos * dy
    }
  if (elastic) {
    const fx = Float32Array.from({ length: w * h }, () => rng.uniform(-1, 1))
    const fy = Float32Array.from({ length: w * h }, () => rng.uniform(-1, 1))
    blur(fx, w, h, cfg.elasticSigma)
    blur(fy, w, h, cfg.elasticSigma)
    const gain = cfg.elasticAlpha / (maxAbs(fx, fy) || 1)
    for (let i = 0; i < w * h; i++) {
      sx[i] += fx[i] * gain
      sy[i] += fy[i] * gain
    }
  }
  return { sx, sy }
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]), Math.abs(b[i]))
  return m
}

/** The 256 intensities of 8-bit images as `toUnit` scales them (k · (1/255) in float32). */
const BYTE_LEVELS = Float32Array.from({ length: 256 }, (_, k) => k * (1 / 255))

/**
 * `level ** g` for each of BYTE_LEVELS, the same numbers the power gives pixel by pixel: most
 * images are 8-bit, so a patch's gamma takes 256 powers instead of one per pixel and channel.
 */
function byteLevelPower(g: number): Float64Array {
  return Float64Array.from(BYTE_LEVELS, (v) => v ** g)
}

/** Brightness, contrast and gamma jitter plus Gaussian noise on 0..1 intensities (image only). */
function intensity(image: Float32Array, cfg: AugmentConfig, rng: Prng, jitter: boolean): void {
  if (jitter) {
    const b = rng.uniform(-1, 1) * cfg.brightness
    const c = 1 + rng.uniform(-1, 1) * cfg.contrast
    const g = Math.exp(rng.uniform(-1, 1) * cfg.gamma)
    let mean = 0
    for (let i = 0; i < image.length; i++) mean += image[i]
    mean /= image.length || 1
    const power = byteLevelPower(g)
    for (let i = 0; i < image.length; i++) {
      const v = Math.min(1, Math.max(0, image[i]))
      const k = Math.round(v * 255)
      const vg = BYTE_LEVELS[k] === v ? power[k] : v ** g
      image[i] = (vg - mean) * c + mean + b
    }
  }
  if (cfg.noise > 0) for (let i = 0; i < image.length; i++) image[i] += rng.normal() * cfg.noise
}

/**
 * Random augmentation with one seeded generator: the same flips, quarter turns, affine and elastic
 * warps on image and label (label by nearest neighbour, so its values stay in the label set),
 * then intensity jitter and noise on the image only. Random draws happen in a fixed order.
 */
export function augmentPatch(p: Patch, cfg: AugmentConfig, rng: Prng): Patch {
  const flipX = cfg.flip && rng.next() < 0.5
  const flipY = cfg.flip && rng.next() < 0.5
  const turns = cfg.rot90 ? rng.int(4) : 0
  let out = flipRotate(p, flipX, flipY, p.width === p.height ? turns : turns & 2)
  const affine = rng.next() < cfg.affine
  const elastic = rng.next() < cfg.elastic
  if (affine || elastic) {
    const { sx, sy } = sourceCoords(out, cfg, rng, affine, elastic)
    out = remap(out, sx, sy)
  }
  const jitter = rng.next() < cfg.intensity
  if (out.image === p.image) out = { ...out, image: out.image.slice() }
  intensity(out.image, cfg, rng, jitter)
  return out
}
