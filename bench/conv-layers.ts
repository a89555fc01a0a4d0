/**
 * `npx tsx bench/conv-layers.ts [--rounds N] [--base B] [--batch N] [--compare winograd|tile]
 * [--cpu]`: every 3×3 convolution of the yardstick U-Net (batch 16, 96×96 input, base 32, depth 4)
 * timed forward, input gradient and filter gradient on the wasm backend, alternated in one process
 * so both see the same machine load: Winograd on and off (XNNPACK convolution and our shifted-GEMM
 * filter gradient; the default), or Winograd with F(6×6) tiles against F(4×4) (`--compare tile`).
 * `--cpu` reports the process's least CPU time (both threads) over the rounds instead of the median
 * wall time: on a loaded machine it is the steadier measure.
 */
import os from 'node:os'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { winogradOptions } from '../src-main/engine/kernels/winograd'
import { tf } from '../src-main/engine/backend/tf'

/** [size, input channels, output channels] of each 3×3 conv of a depth-4 U-Net on 96×96 inputs. */
function layers(base: number): [number, number, number][] {
  const f = (level: number): number => base * 2 ** level
  const sizes = [96, 48, 24, 12, 6]
  const down = sizes.flatMap((size, level): [number, number, number][] => [
    [size, level === 0 ? 3 : f(level - 1), f(level)],
    [size, f(level), f(level)]
  ])
  const up = [3, 2, 1, 0].flatMap((level): [number, number, number][] => [
    [sizes[level], f(level + 1) + f(level), f(level)],
    [sizes[level], f(level), f(level)]
  ])
  return [...down, ...up]
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const useCpu = process.argv.includes('--cpu')
const compareTiles = process.argv.includes('tile')

function cpuMs(): number {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

function timed(f: () => tf.Tensor): number {
  const now = useCpu ? cpuMs : () => performance.now()
  const t = now()
  const out = f()
  out.dataSync()
  out.dispose()
  return now() - t
}

/** The two settings compared: first the one measured, then the baseline. */
function setting(first: boolean): void {
  if (compareTiles) winogradOptions.tile = first ? 6 : 4
  else winogradOptions.enabled = first
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** Median ms of forward, input gradient and filter gradient of one layer. */
function timeLayer(
  size: number,
  cin: number,
  cout: number,
  batch: number,
  rounds: number
): number[][] {
  const x = tf.randomNormal([batch, size, size, cin]) as tf.Tensor4D
  const filter = tf.randomNormal([3, 3, cin, cout]) as tf.Tensor4D
  const dy = tf.randomNormal([batch, size, size, cout]) as tf.Tensor4D
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, cin, cout] }
  const ops = [
    () => tf.conv2d(x, filter, 1, 'same'),
    () => tf.conv2dTranspose(dy, filter, [batch, size, size, cin], 1, 'same'),
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor
  ]
  const times = [true, false].map(() => ops.map((): number[] => []))
  for (let r = 0; r <= rounds; r++) {
    ;[true, false].forEach((on, v) => {
      setting(on)
      ops.forEach((op, k) => {
        const ms = timed(op)
        if (r > 0) times[v][k].push(ms)
      })
    })
  }
  Object.assign(winogradOptions, { enabled: true, tile: 'auto' })
  tf.dispose([x, filter, dy])
  return times.map((perOp) => perOp.map(useCpu ? (v) => Math.min(...v) : median))
}

async function main(): Promise<void> {
  const rounds = option('--rounds', 3)
  const batch = option('--batch', 16)
  const all = layers(option('--base', 32))
  await initBackend('wasm')
  const totals = [
    [0, 0, 0],
    [0, 0, 0]
  ]
  const [a, b] = compareTiles ? ['F(6x6)', 'F(4x4)'] : ['Winograd', 'without']
  const unit = useCpu ? 'CPU ms' : 'ms'
  console.log(
    `layer (${batch} images)        ${a} fwd / dx / dW (${unit})   ${b} fwd / dx / dW (${unit})`
  )
  for (const [size, cin, cout] of all) {
    const t = timeLayer(size, cin, cout, batch, rounds)
    t.forEach((row, v) => row.forEach((ms, k) => (totals[v][k] += ms)))
    const f = (row: number[]): string => row.map((ms) => ms.toFixed(1).padStart(6)).join(' /')
    console.log(`${`${size}x${size} ${cin} -> ${cout}`.padEnd(24)} ${f(t[0])}        ${f(t[1])}`)
  }
  const sum = (row: number[]): string => row.map((ms) => ms.toFixed(0)).join(' / ')
  console.log(`all ${all.length} layers: ${a} ${sum(totals[0])} ms, ${b} ${sum(totals[1])} ms`)
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  )
}

void main().then(() => process.exit(0))
