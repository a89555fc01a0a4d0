import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src-main/engine/backend/init-backend'
import { tf } from '../../../../src-main/engine/backend/tf'
import { BilinearUpsample, createModel } from '../../../../src-main/engine/models'
import { float16Bits, loadModel, saveModel } from '../../../../src-main/engine/models/model-io'

const run = promisify(execFile)
const [H, W, C] = [16, 24, 3]

/** What plain TensorFlow.js (only its stock layers) predicts from a saved model folder. */
async function plainTfjs(dir: string): Promise<{
  layers?: string[]
  shape?: number[]
  values?: number[]
  error?: string
}> {
  const script = join(import.meta.dirname, 'plain-tfjs-predict.mjs')
  const { stdout } = await run(process.execPath, [script, dir, `${H}`, `${W}`, `${C}`], {
    cwd: join(import.meta.dirname, '../../../..')
  })
  return JSON.parse(stdout.trim().split('\n').pop()!)
}

/** The same input the plain script builds. */
const input = () =>
  tf.tensor4d(
    Float32Array.from({ length: H * W * C }, (_, i) => Math.sin(i * 0.37)),
    [1, H, W, C]
  )

async function ours(dir: string): Promise<Float32Array> {
  const model = await loadModel(dir)
  const x = input()
  const y = model.predict(x) as tf.Tensor
  const out = (await y.data()) as Float32Array
  tf.dispose([x, y])
  model.dispose()
  return out
}

describe('open model format: stock tfjs layers only', () => {
  let tmp: string
  beforeAll(async () => {
    await initBackend('cpu')
    tmp = await mkdtemp(join(tmpdir(), 'open-format-'))
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('a new U-Net (bilinear UpSampling2D, BN, 4-channel instance head) loads in plain TensorFlow.js', async () => {
    const model = createModel({
      arch: 'unet',
      channels: C,
      classes: 4,
      base: 4,
      depth: 2,
      batchNorm: true,
      dropout: 0,
      upsample: 'bilinear',
      deepSupervision: false,
      seed: 5
    })
    for (const [name, float16] of [
      ['f32', false],
      ['f16', true]
    ] as const) {
      await saveModel(model, join(tmp, name), {}, { float16 })
      const plain = await plainTfjs(join(tmp, name))
      expect(plain.error).toBeUndefined()
      expect(plain.layers).toContain('UpSampling2D')
      expect(plain.shape).toEqual([1, H, W, 4])
      const mine = await ours(join(tmp, name))
      let diff = 0
      for (let i = 0; i < mine.length; i++)
        diff = Math.max(diff, Math.abs(mine[i] - plain.values![i]))
      expect(diff).toBeLessThan(1e-4)
    }
    const [f32, f16] = await Promise.all(
      ['f32', 'f16'].map((d) => stat(join(tmp, d, 'weights.bin')))
    )
    expect(f16.size * 2).toBe(f32.size)
    const [a, b] = [await ours(join(tmp, 'f32')), await ours(join(tmp, 'f16'))]
    let rel = 0
    let scale = 0
    for (let i = 0; i < a.length; i++) {
      rel = Math.max(rel, Math.abs(a[i] - b[i]))
      scale = Math.max(scale, Math.abs(a[i]))
    }
    expect(rel).toBeLessThan(5e-3 * scale)
    model.dispose()
  })

  it('old runs with the align-corners BilinearUpsample layer still load (with the app)', async () => {
    const inp = tf.input({ shape: [null, null, C] })
    const down = tf.layers.maxPooling2d({ poolSize: 2 }).apply(inp) as tf.SymbolicTensor
    const up = new BilinearUpsample({ name: 'up' }).apply(down) as tf.SymbolicTensor
    const head = tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'head' }).apply(up)
    const legacy = tf.model({ inputs: inp, outputs: head as tf.SymbolicTensor })
    await saveModel(legacy, join(tmp, 'legacy'))
    const x = input()
    const want = legacy.predict(x) as tf.Tensor
    const got = await ours(join(tmp, 'legacy'))
    expect(Array.from(got)).toEqual(Array.from(await want.data()))
    expect((await plainTfjs(join(tmp, 'legacy'))).error).toMatch(/BilinearUpsample/)
    tf.dispose([x, want])
    legacy.dispose()
  })

  it('rounds float32 to float16 bits to nearest even', () => {
    expect(float16Bits(1)).toBe(0x3c00)
    expect(float16Bits(-2)).toBe(0xc000)
    expect(float16Bits(65504)).toBe(0x7bff)
    expect(float16Bits(1e6)).toBe(0x7c00)
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00)
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02)
    expect(float16Bits(2 ** -24)).toBe(1)
    expect(float16Bits(0)).toBe(0)
  })
})
