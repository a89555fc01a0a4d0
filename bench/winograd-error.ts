/**
 * `npx tsx bench/winograd-error.ts`: the rounding of our Winograd convolutions, F(4×4) and F(6×6)
 * tiles, against float64 sums: relative L2 error of the forward output and of the filter gradient
 * on random data at the DSB2018 recipe's layer shapes (batch 8, base 16).
 */
import { initBackend } from '../src-main/engine/backend/init-backend'
import { tf } from '../src-main/engine/backend/tf'
import { winogradOptions, type WinogradTile } from '../src-main/engine/kernels/winograd'

/** Deterministic floats in [-1, 1). */
function random(size: number, seed: number): Float32Array {
  let state = seed
  return Float32Array.from({ length: size }, () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return (state / 4294967296) * 2 - 1
  })
}

function relativeError(a: Float32Array, ref: Float64Array): number {
  let e = 0
  let r = 0
  for (let i = 0; i < a.length; i++) {
    e += (a[i] - ref[i]) ** 2
    r += ref[i] ** 2
  }
  return Math.sqrt(e / r)
}

/** Output and filter gradient of a 3×3 'same' convolution, summed in float64. */
function reference(
  x: Float32Array,
  g: Float32Array,
  dy: Float32Array,
  n: number,
  s: number,
  ci: number,
  co: number
) {
  const y = new Float64Array(n * s * s * co)
  const dw = new Float64Array(9 * ci * co)
  for (let b = 0; b < n; b++)
    for (let h = 0; h < s; h++)
      for (let w = 0; w < s; w++)
        for (let kh = 0; kh < 3; kh++)
          for (let kw = 0; kw < 3; kw++) {
            const ih = h + kh - 1
            const iw = w + kw - 1
            if (ih < 0 || iw < 0 || ih >= s || iw >= s) continue
            const xo = ((b * s + ih) * s + iw) * ci
            const yo = ((b * s + h) * s + w) * co
            const go = (kh * 3 + kw) * ci * co
            for (let c = 0; c < ci; c++)
              for (let o = 0; o < co; o++) {
                y[yo + o] += x[xo + c] * g[go + c * co + o]
                dw[go + c * co + o] += x[xo + c] * dy[yo + o]
              }
          }
  return { y, dw }
}

async function main(): Promise<void> {
  await initBackend('wasm')
  const n = 8
  for (const [s, ci, co] of [
    [96, 16, 16],
    [96, 48, 16],
    [48, 32, 32],
    [24, 64, 64]
  ]) {
    const x = random(n * s * s * ci, 1)
    const g = random(9 * ci * co, 2)
    const dy = random(n * s * s * co, 3)
    const ref = reference(x, g, dy, n, s, ci, co)
    const cells: string[] = []
    for (const tile of [4, 6] as WinogradTile[]) {
      winogradOptions.tile = tile
      const [xt, gt, dyt] = [
        tf.tensor4d(x, [n, s, s, ci]),
        tf.tensor4d(g, [3, 3, ci, co]),
        tf.tensor4d(dy, [n, s, s, co])
      ]
      const y = tf.conv2d(xt, gt, 1, 'same').dataSync() as Float32Array
      const attrs = {
        strides: [1, 1],
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [3, 3, ci, co]
      }
      const dw = tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, attrs as never) as tf.Tensor
      cells.push(
        `F(${tile}×${tile}) output ${relativeError(y, ref.y).toExponential(2)}, filter gradient ${relativeError(dw.dataSync() as Float32Array, ref.dw).toExponential(2)}`
      )
      tf.dispose([xt, gt, dyt, dw])
    }
    console.log(`${s}² ${ci}→${co}: ${cells.join('; ')}`)
  }
}

void main()
