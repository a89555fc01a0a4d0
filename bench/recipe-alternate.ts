/**
 * `npx tsx bench/recipe-alternate.ts [--rounds N] [--toggle NAME]`: recipe training steps (DSB2018,
 * base 16, batch 8, 96 px, the app's makeBatch and trainStep) with one engine option off and on,
 * alternated step by step in one process so both see the same machine load. Prints the median
 * wall and CPU milliseconds per step of each. Toggles: `training-kernels` (BatchNormTrain + ReLU),
 * `bn-relu` (the ReLU applied by the batch norm kernel before it, against its own kernel),
 * `winograd`, `f6` (F(6×6) tiles where they pay, against F(4×4) only), `fma` (the relaxed-SIMD build of our module), `pointwise` (1×1 head gradients),
 * `threaded-memory` (heap-simd.c's entry points split between the threads), `spin` (both sides
 * of a split call watch before they sleep),
 * `early-release`, and `all` (every option of the fourth pass at once).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { tf } from '../src-main/engine/backend/tf'
import { trainingKernelOptions } from '../src-main/engine/kernels/batch-norm-train'
import { fusedReluOptions } from '../src-main/engine/models/batch-norm-layer'
import { earlyReleaseOptions } from '../src-main/engine/backend/early-release'
import { heapSimdOptions } from '../src-main/engine/kernels/heap-simd'
import { nativeOptions } from '../src-main/engine/kernels/native-module'
import { pointwiseOptions } from '../src-main/engine/kernels/pointwise-grad'
import { winogradOptions } from '../src-main/engine/kernels/winograd'
import { makeBatch } from '../src-main/engine/train/batches'
import { trainStep } from '../src-main/engine/train/train-loop'
import { recipeSteps } from './recipe-steps'

const TOGGLES: Record<string, (on: boolean) => void> = {
  'training-kernels': (on) => void (trainingKernelOptions.enabled = on),
  'bn-relu': (on) => void (fusedReluOptions.enabled = on),
  winograd: (on) => void (winogradOptions.enabled = on),
  /** F(6×6) tiles where they pay (on) against F(4×4) tiles everywhere (off). */
  f6: (on) => void (winogradOptions.tile = on ? 'auto' : 4),
  fma: (on) => void (nativeOptions.fma = on),
  /** Helpers and caller watch for 0.2 ms before they sleep (on), or sleep at once (off). */
  spin: (on) => void (nativeOptions.spinMs = on ? 0.2 : 0),
  pointwise: (on) => void (pointwiseOptions.enabled = on),
  /** heap-simd.c's copies, sums, Adam and pooling/resize gradients on both threads (on) or one. */
  'threaded-memory': (on) => void (heapSimdOptions.threaded = on),
  'early-release': (on) => void (earlyReleaseOptions.enabled = on),
  /** Everything this pass added, off and on. */
  all: (on) => {
    for (const name of ['training-kernels', 'fma', 'pointwise', 'early-release']) TOGGLES[name](on)
  }
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function main(): Promise<void> {
  const rounds = Number(option('--rounds') ?? 8)
  const name = option('--toggle') ?? 'training-kernels'
  const toggle = TOGGLES[name]
  if (!toggle) throw new Error(`unknown toggle ${name}: ${Object.keys(TOGGLES).join(', ')}`)
  await initBackend('wasm')
  const out = await mkdtemp(join(os.tmpdir(), 'unet-alternate-'))
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  const { config, data, lossOpts, model, optimizer, vars, rng, refs, lock } = await recipeSteps(
    out,
    log
  )
  const times = [0, 1].map(() => ({ wall: [] as number[], cpu: [] as number[] }))
  for (let r = 0; r <= rounds; r++) {
    for (const v of [0, 1]) {
      toggle(v === 1)
      const chunk = refs.slice((r % 48) * 8, (r % 48) * 8 + 8)
      const hb = makeBatch(data.train, chunk, config.size, 1, config.augment, rng)
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      const { cost, pred } = trainStep(model, optimizer, vars, hb, lossOpts)
      cost.dataSync()
      pred.dataSync()
      tf.dispose([cost, pred])
      const wall = performance.now() - t0
      const c = process.cpuUsage(c0)
      if (r > 0) {
        times[v].wall.push(wall)
        times[v].cpu.push((c.user + c.system) / 1000)
      }
    }
  }
  toggle(true)
  const load = os.loadavg().map((l) => l.toFixed(2))
  console.log(`${name}: ${rounds} alternated rounds, load average ${load.join(' ')}`)
  for (const v of [0, 1]) {
    const t = times[v]
    console.log(
      `  ${v ? 'on ' : 'off'}: wall ${median(t.wall).toFixed(0)} ms, CPU ${median(t.cpu).toFixed(0)} ms per step (wall ${t.wall.map((x) => x.toFixed(0)).join(', ')})`
    )
  }
  model.dispose()
  optimizer.dispose()
  await lock.release()
  await rm(out, { recursive: true, force: true })
}

void main().then(() => process.exit(0))
