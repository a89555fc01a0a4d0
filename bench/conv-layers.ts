/**
 * `npx tsx bench/conv-layers.ts [--rounds N]`: every 3×3 convolution of the yardstick U-Net
 * (batch 16, 96×96 input, base 32, depth 4) timed forward, input gradient and filter gradient on
 * the wasm backend, Winograd on and off (XNNPACK convolution and our shifted-GEMM filter
 * gradient), alternated in one process so both see the same machine load.
 */
import { initBackend } from '../src-main/engine/backend'
import { winogradOptions } from '../src-main/engine/kernels/winograd'
import { tf } from '../src-main/engine/tf'

/** [size, input channels, output channels] of each 3×3 conv (first layer: 3 inputs, no Winograd). */
const LAYERS: [number, number, number][] = [
  [96, 3, 32],
  [96, 32, 32],
  [48, 32, 64],
  [48, 64, 64],
  [24, 64, 128],
  [24, 128, 128],
  [12, 128, 256],
  [12, 256, 256],
  [6, 256, 512],
  [6, 512, 512],
  [12, 768, 256],
  [12, 256, 256],
  [24, 384, 128],
  [24, 128, 128],
  [48, 192, 64],
  [48, 64, 64],
  [96, 96, 32],
  [96, 32, 32]
]
const BATCH = 16

function timed(f: () => tf.Tensor): number {
  const t = performance.now()
  const out = f()
  out.dataSync()
  out.dispose()
  return performance.now() - t
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** Median ms of forward, input gradient and filter gradient of one layer. */
function timeLayer(size: number, cin: number, cout: number, rounds: number): number[][] {
  const x = tf.randomNormal([BATCH, size, size, cin]) as tf.Tensor4D
  const filter = tf.randomNormal([3, 3, cin, cout]) as tf.Tensor4D
  const dy = tf.randomNormal([BATCH, size, size, cout]) as tf.Tensor4D
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, cin, cout] }
  const ops = [
    () => tf.conv2d(x, filter, 1, 'same'),
    () => tf.conv2dTranspose(dy, filter, [BATCH, size, size, cin], 1, 'same'),
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor
  ]
  const times = [true, false].map(() => ops.map((): number[] => []))
  for (let r = 0; r <= rounds; r++) {
    ;[true, false].forEach((on, v) => {
      winogradOptions.enabled = on
      ops.forEach((op, k) => {
        const ms = timed(op)
        if (r > 0) times[v][k].push(ms)
      })
    })
  }
  winogradOptions.enabled = true
  tf.dispose([x, filter, dy])
  return times.map((perOp) => perOp.map(median))
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--rounds')
  const rounds = i >= 0 ? Number(process.argv[i + 1]) : 3
  await initBackend('wasm')
  const totals = [
    [0, 0, 0],
    [0, 0, 0]
  ]
  console.log('layer (16 images)        Winograd fwd / dx / dW (ms)   without fwd / dx / dW (ms)')
  for (const [size, cin, cout] of LAYERS) {
    const t = timeLayer(size, cin, cout, rounds)
    t.forEach((row, v) => row.forEach((ms, k) => (totals[v][k] += ms)))
    const f = (row: number[]): string => row.map((ms) => ms.toFixed(0).padStart(5)).join(' /')
    console.log(`${`${size}x${size} ${cin} -> ${cout}`.padEnd(24)} ${f(t[0])}        ${f(t[1])}`)
  }
  const sum = (row: number[]): string => row.map((ms) => ms.toFixed(0)).join(' / ')
  console.log(`all 18 layers: Winograd ${sum(totals[0])} ms, without ${sum(totals[1])} ms`)
}

void main().then(() => process.exit(0))
