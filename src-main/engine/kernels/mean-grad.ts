/**
 * The gradient of Mean over leading axes on the wasm backend without `ones()`: tfjs computes
 * dx = (dy · ones(x.shape)) / n, allocating and uploading a full tensor of ones from JS (≈ 20 ms
 * for [16, 96, 96, 32], twice per batch-norm layer) and running two full passes. Here
 * dx = tile(dy / n), one pass through our Tile (tile-leading.ts): the same float32 values, since
 * dy · 1 is exact. Other backends and other axes keep tfjs's gradient.
 */
import { tf } from '../backend/tf'

let original: tf.GradConfig | undefined

type Grads = ReturnType<tf.GradFunc>

/** True when `axes` are exactly the first `axes.length` axes. */
function leading(axes: number[]): boolean {
  return [...axes].sort((a, b) => a - b).every((a, i) => a === i)
}

function meanGrad(dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap): Grads {
  const [x] = saved
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape)
  if (tf.getBackend() !== 'wasm' || !leading(axes)) {
    return (original as tf.GradConfig).gradFunc(dy, saved, attrs)
  }
  const count = axes.reduce((n, a) => n * x.shape[a], 1)
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
  const reps = x.shape.map((d, i) => (axes.includes(i) ? d : 1))
  return { x: () => tf.tile(tf.div(tf.reshape(dy, kept), count), reps) }
}

/** Replaces tfjs's Mean gradient (once; it defers to the original off wasm). */
export function registerMeanGradient(): void {
  if (original !== undefined) return
  original = tf.getGradient('Mean')
  if (original === undefined) return
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: meanGrad as tf.GradFunc
  })
}
