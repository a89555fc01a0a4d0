import { augmentPatch, type Patch } from './augment'
import type { AugmentConfig } from '../config'
import type { Prng } from '../prng'
import { crop, type LoadedSample, type PatchRef } from './samples'
import { standardize } from '../normalize'
import { tf } from '../backend/tf'
import { instanceForegroundClass } from '../targets/instance-loss'
import { INSTANCE_PLANES } from '../targets/instance-target'
import type { LossOptions } from './losses'

/** A batch as plain arrays, ready to become tensors. */
export interface HostBatch {
  x: Float32Array
  /** Binary: 0/1 floats; multi-class: class indices. Instance targets: the foreground 0/1. */
  y: Float32Array | Int32Array
  /** Instance targets: the target planes the loss trains on (INSTANCE_PLANES interleaved). */
  target?: Float32Array
  n: number
  size: number
  channels: number
  /** The 0..1 patches before standardisation (for previews). */
  patches: Patch[]
}

/** Cut, optionally augment, and standardise (per source image) a list of patches into one batch. */
export function makeBatch(
  samples: LoadedSample[],
  refs: PatchRef[],
  size: number,
  classes: number,
  augment: AugmentConfig | null,
  rng: Prng | null
): HostBatch {
  const channels = samples[0].image.channels
  const plane = size * size
  const x = new Float32Array(refs.length * plane * channels)
  const y =
    classes > 1 ? new Int32Array(refs.length * plane) : new Float32Array(refs.length * plane)
  const patches: Patch[] = []
  const target = samples[0].target
    ? new Float32Array(refs.length * plane * INSTANCE_PLANES)
    : undefined
  refs.forEach((ref, i) => {
    const s = samples[ref.sample]
    let p = crop(s, ref.x, ref.y, size)
    if (augment && rng) p = augmentPatch(p, augment, rng)
    patches.push(p)
    const at = i * plane * channels
    x.set(p.image, at)
    standardize(x.subarray(at, at + plane * channels), s.mean, s.std, s.sign)
    y.set(p.label, i * plane)
    if (target && p.target) target.set(p.target, i * plane * INSTANCE_PLANES)
  })
  return { x, y, target, n: refs.length, size, channels, patches }
}

/**
 * Tensors for a host batch: x [B,N,N,C] and labels ([B,N,N,1] float, [B,N,N] int, or the
 * instance target planes [B,N,N,3]).
 */
export function batchTensors(b: HostBatch): { xs: tf.Tensor4D; ys: tf.Tensor } {
  const xs = tf.tensor4d(b.x, [b.n, b.size, b.size, b.channels])
  const ys = b.target
    ? tf.tensor4d(b.target, [b.n, b.size, b.size, INSTANCE_PLANES])
    : b.y instanceof Int32Array
      ? tf.tensor3d(b.y, [b.n, b.size, b.size], 'int32')
      : tf.tensor4d(b.y, [b.n, b.size, b.size, 1])
  return { xs, ys }
}

/**
 * Class map per pixel from logits: logit > 0 for one output, argmax otherwise; the foreground
 * (0/1) of an instance head when its loss options say so.
 */
export function logitsToClassTensor(logits: tf.Tensor, o?: LossOptions): tf.Tensor {
  if (o?.instances) return instanceForegroundClass(logits, o.instances.separation)
  return tf.tidy(() => {
    const c = logits.shape[logits.shape.length - 1]
    return c === 1
      ? tf.cast(tf.greater(tf.squeeze(logits, [-1]), 0), 'int32')
      : tf.argMax(logits, -1)
  })
}
