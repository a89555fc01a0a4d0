import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import {
  keepFilterTransforms,
  winogradShapeOf
} from '../../../../src-main/engine/kernels/conv2d-winograd'
import { nativeModule } from '../../../../src-main/engine/kernels/native-module'
import {
  winogradConv,
  winogradFilterGrad,
  winogradOptions,
  winogradTile,
  type WinogradTile
} from '../../../../src-main/engine/kernels/winograd'
import { offsetOf, type WasmBackendLike } from '../../../../src-main/engine/kernels/wasm-heap'
import { tf } from '../../../../src-main/engine/backend/tf'
import { maxAbs, maxAbsDiff, randomArray, runKernelOn } from './compare'

/**
 * max |wasm - cpu| ≤ TOL · max |cpu|: Winograd F(4×4, 3×3) and F(6×6, 3×3) in float32 over
 * ≤ 10⁴-term sums.
 */
const TOL = 2e-5

/** Both tile sizes, forced, for every shape below. */
const TILES: WinogradTile[] = [4, 6]

const DEFAULTS = { ...winogradOptions }
const size = (shape: number[]): number => shape.reduce((a, b) => a * b)
const same = { strides: 1, pad: 'same' as const, dataFormat: 'NHWC' as const, dilations: 1 }

/**
 * [tile, n, h, w, cin, cout]: sizes not multiples of 4 or 6, channels from 4 to 40, one tiny
 * image, input channels padded to 4 (3, as RGB, and 1), with each tile size.
 */
const SHAPES: [WinogradTile, number, number, number, number, number][] = TILES.flatMap((m) =>
  (
    [
      [2, 9, 7, 8, 16],
      [3, 6, 6, 4, 8],
      [2, 13, 10, 12, 24],
      [1, 3, 5, 40, 8],
      [2, 16, 16, 32, 32],
      [2, 11, 13, 3, 16],
      [1, 7, 6, 1, 8]
    ] as const
  ).map(([n, h, w, ci, co]): [WinogradTile, number, number, number, number, number] => [
    m,
    n,
    h,
    w,
    ci,
    co
  ])
)

function input(shape: number[], seed: number): { shape: number[]; values: Float32Array } {
  return { shape, values: randomArray(size(shape), seed) }
}

async function bothBackends(
  name: string,
  inputs: Parameters<typeof runKernelOn>[2],
  attrs: object
) {
  const wasm = await runKernelOn('wasm', name, inputs, attrs as Record<string, unknown>)
  const cpu = await runKernelOn('cpu', name, inputs, attrs as Record<string, unknown>)
  expect(wasm.shape).toEqual(cpu.shape)
  expect(wasm.leaked).toBe(0)
  return { wasm: wasm.values, cpu: cpu.values }
}

describe('Winograd F(4x4, 3x3) and F(6x6, 3x3) convolutions on wasm', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  afterEach(() => {
    Object.assign(winogradOptions, DEFAULTS)
  })

  it('takes 3x3 stride-1 same convolutions with suitable channels, and only those', () => {
    expect(winogradShapeOf([2, 9, 7, 8], [3, 3, 8, 16], same)).toEqual({
      n: 2,
      h: 9,
      w: 7,
      cin: 8,
      cout: 16
    })
    expect(winogradShapeOf([2, 9, 7, 3], [3, 3, 3, 16], same)).toBeNull()
    expect(winogradShapeOf([2, 9, 7, 3], [3, 3, 3, 16], same, true)).toEqual({
      n: 2,
      h: 9,
      w: 7,
      cin: 3,
      cout: 16
    })
    expect(winogradShapeOf([2, 9, 7, 8], [3, 3, 8, 12], same)).toBeNull()
    expect(winogradShapeOf([2, 9, 7, 8], [3, 3, 8, 16], { ...same, pad: 'valid' })).toBeNull()
    expect(winogradShapeOf([2, 9, 7, 8], [3, 3, 8, 16], { ...same, strides: 2 })).toBeNull()
    expect(winogradShapeOf([2, 9, 7, 8], [1, 1, 8, 16], same)).toBeNull()
    expect(winogradShapeOf([2, 9, 7, 8], [3, 3, 8, 16], { ...same, dilations: 2 })).toBeNull()
    expect(winogradShapeOf([2, 9, 7, 8], [3, 3, 8, 16], { ...same, pad: 1 })).not.toBeNull()
  })

  it('takes F(6x6) where it saves 10 % of the estimated work, else F(4x4)', () => {
    const recipe = (size: number, cin: number, cout: number, n = 8) =>
      winogradTile({ n, h: size, w: size, cin, cout })
    const levels = [
      recipe(96, 16, 16),
      recipe(48, 96, 32),
      recipe(24, 192, 64),
      recipe(12, 128, 128),
      recipe(6, 256, 256)
    ]
    expect(levels).toEqual([6, 6, 6, 4, 4])
    const square = (size: number) => winogradTile({ n: 8, h: size, w: size, cin: 32, cout: 32 })
    expect([288, 128, 16, 8, 7].map(square)).toEqual([6, 6, 4, 4, 4])
    expect(winogradTile({ n: 16, h: 6, w: 6, cin: 256, cout: 256 }, true)).toBe(6)
    expect(winogradTile({ n: 8, h: 96, w: 8, cin: 32, cout: 32 })).toBe(4)
    winogradOptions.tile = 4
    expect(recipe(96, 16, 16)).toBe(4)
  })

  it.each(SHAPES)(
    'the module itself matches cpu: F(%i), n %i, %ix%i, %i -> %i',
    async (m, n, h, w, ci, co) => {
      winogradOptions.tile = m
      await tf.setBackend('wasm')
      const backend = tf.engine().backend as unknown as WasmBackendLike
      const native = nativeModule(backend)
      expect(native).not.toBeNull()
      const s = { n, h, w, cin: ci, cout: co }
      const shapes = [
        [n, h, w, ci],
        [3, 3, ci, co],
        [n, h, w, co]
      ] as [number, number, number, number][]
      const values = shapes.map((shape, i) => randomArray(size(shape), i + 1))
      const [xw, gw, dyw] = values.map((v, i) => tf.tensor(v, shapes[i]))
      const [yw, dww] = [tf.zeros([n, h, w, co]), tf.zeros([3, 3, ci, co])]
      const at = (t: tf.Tensor): number => offsetOf(backend, t)
      winogradConv(native!, s, at(xw), at(gw), 0, false, false, at(yw))
      winogradFilterGrad(native!, s, at(xw), at(dyw), at(dww))
      const [y, dw] = [yw.dataSync() as Float32Array, dww.dataSync() as Float32Array]
      tf.dispose([xw, gw, dyw, yw, dww])
      await tf.setBackend('cpu')
      const [xt, gt, dyt] = values.map((v, i) => tf.tensor4d(v, shapes[i]))
      const yRef = tf.conv2d(xt, gt, 1, 'same').dataSync() as Float32Array
      const dwCpu = tf.grad((f) => tf.sum(tf.mul(tf.conv2d(xt, f as tf.Tensor4D, 1, 'same'), dyt)))(
        gt
      )
      const dwRef = dwCpu.dataSync() as Float32Array
      expect(maxAbsDiff(y, yRef)).toBeLessThanOrEqual(TOL * maxAbs(yRef))
      expect(maxAbsDiff(dw, dwRef)).toBeLessThanOrEqual(TOL * maxAbs(dwRef))
      tf.dispose([xt, gt, dyt, dwCpu])
    }
  )

  it.each(SHAPES)(
    'Conv2D and FusedConv2D (bias, ReLU) match cpu: F(%i), n %i, %ix%i, %i -> %i',
    async (m, n, h, w, ci, co) => {
      winogradOptions.tile = m
      const inputs = { x: input([n, h, w, ci], 4), filter: input([3, 3, ci, co], 5) }
      const plain = await bothBackends('Conv2D', inputs, same)
      expect(maxAbsDiff(plain.wasm, plain.cpu)).toBeLessThanOrEqual(TOL * maxAbs(plain.cpu))
      const fusedInputs = { ...inputs, bias: input([co], 6) }
      const fused = await bothBackends('FusedConv2D', fusedInputs, { ...same, activation: 'relu' })
      expect(fused.cpu.some((v) => v === 0)).toBe(true)
      expect(maxAbsDiff(fused.wasm, fused.cpu)).toBeLessThanOrEqual(TOL * maxAbs(fused.cpu))
    }
  )

  it.each(SHAPES)(
    'input and filter gradients match cpu: F(%i), n %i, %ix%i, %i -> %i',
    async (m, n, h, w, ci, co) => {
      winogradOptions.tile = m
      const attrs = { ...same, inputShape: [n, h, w, co] }
      const dxCase = { dy: input([n, h, w, ci], 7), filter: input([3, 3, co, ci], 8) }
      const dx = await bothBackends('Conv2DBackpropInput', dxCase, attrs)
      expect(maxAbsDiff(dx.wasm, dx.cpu)).toBeLessThanOrEqual(TOL * maxAbs(dx.cpu))
      const dwCase = { x: input([n, h, w, ci], 9), dy: input([n, h, w, co], 10) }
      const dw = await bothBackends('Conv2DBackpropFilter', dwCase, {
        ...same,
        filterShape: [3, 3, ci, co]
      })
      expect(maxAbsDiff(dw.wasm, dw.cpu)).toBeLessThanOrEqual(TOL * maxAbs(dw.cpu))
    }
  )

  it.each(
    TILES.flatMap((m) => [
      ['whole passes', 0, m],
      ['fused blocks', 1e9, m]
    ])
  )(
    'gives the same answer in chunks of one image, small cache blocks and split between threads (%s, F(%i))',
    async (_, fusedMaxBytes, m) => {
      Object.assign(winogradOptions, { fusedMaxBytes, tile: m })
      const inputs = { x: input([3, 11, 9, 24], 11), filter: input([3, 3, 24, 16], 12) }
      const grads = { x: inputs.x, dy: input([3, 11, 9, 16], 13) }
      const dwAttrs = { ...same, filterShape: [3, 3, 24, 16] }
      const whole = await runKernelOn('wasm', 'Conv2D', inputs, same)
      const wholeDw = await runKernelOn('wasm', 'Conv2DBackpropFilter', grads, dwAttrs)
      Object.assign(winogradOptions, {
        maxFloats: 1,
        kc: 5,
        nc: 8,
        mc: 4,
        gradNc: 8,
        kt: 3,
        blockBytes: 1,
        minPartWork: 1
      })
      const parts = await runKernelOn('wasm', 'Conv2D', inputs, same)
      const partsDw = await runKernelOn('wasm', 'Conv2DBackpropFilter', grads, dwAttrs)
      expect(maxAbsDiff(parts.values, whole.values)).toBeLessThanOrEqual(TOL * maxAbs(whole.values))
      expect(maxAbsDiff(partsDw.values, wholeDw.values)).toBeLessThanOrEqual(
        TOL * maxAbs(wholeDw.values)
      )
    }
  )

  it('keeps a filter transformed once per tile size (inference graphs), same result', async () => {
    await tf.setBackend('wasm')
    const native = nativeModule(tf.engine().backend as unknown as WasmBackendLike)!
    const transform = native.exports.wino_filter
    let transforms = 0
    native.exports.wino_filter = (...args: number[]) => {
      transforms++
      transform(...args)
    }
    try {
      const x4 = tf.tensor4d(randomArray(2 * 8 * 8 * 16, 14), [2, 8, 8, 16])
      const x6 = tf.tensor4d(randomArray(2 * 12 * 6 * 16, 17), [2, 12, 6, 16])
      const filter = tf.tensor4d(randomArray(9 * 16 * 24, 15), [3, 3, 16, 24])
      const bias = tf.tensor1d(randomArray(24, 16))
      /** The 8×8 images with F(4×4) tiles, the 12×6 ones with F(6×6). */
      const conv = (x: tf.Tensor4D): Float32Array => {
        winogradOptions.tile = x === x4 ? 4 : 6
        return tf
          .tidy(() =>
            tf.fused.conv2d({ x, filter, bias, activation: 'relu', pad: 'same', strides: 1 })
          )
          .dataSync() as Float32Array
      }
      const fresh = [conv(x4), conv(x6)]
      expect(transforms).toBe(2)
      const kept = keepFilterTransforms(filter)
      expect(kept).not.toBeNull()
      transforms = 0
      const reused = [conv(x4), conv(x6), conv(x4), conv(x6)]
      expect(transforms).toBe(2)
      reused.forEach((r, i) => expect(maxAbsDiff(r, fresh[i % 2])).toBe(0))
      kept!.dispose()
      transforms = 0
      expect(maxAbsDiff(conv(x6), fresh[1])).toBe(0)
      expect(transforms).toBe(1)
      tf.dispose([x4, x6, filter, bias])
    } finally {
      native.exports.wino_filter = transform
    }
  })
})
