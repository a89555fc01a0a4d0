/**
 * `npx tsx bench/recipe-phases.ts [--steps N] [--profile-every K]`: where a DSB2018 recipe epoch's
 * time goes, phase by phase, with the app's own pieces (makeBatch, trainStep, validate,
 * saveModel, saveCheckpoint): augmentation and batch assembly, the training step's kernels (3×3
 * convolutions by layer and pass, other kernels by name) and the JS between them, metrics,
 * validation and checkpoint writes. Kernel times come from `tf.profile` on every K-th step.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { tf } from '../src-main/engine/backend/tf'
import { accumulate, createConfusion, scores } from '../src-main/engine/metrics'
import { inferenceView } from '../src-main/engine/models'
import { saveModel } from '../src-main/engine/models/model-io'
import { makeBatch } from '../src-main/engine/train/batches'
import { saveCheckpoint } from '../src-main/engine/train/checkpoint'
import { initialSchedule } from '../src-main/engine/train/lr-schedule'
import { tilePatches } from '../src-main/engine/train/samples'
import { trainStep } from '../src-main/engine/train/train-loop'
import { validate } from '../src-main/engine/train/validation'
import { recipeSteps } from './recipe-steps'

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const CONVS = new Set(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'])

/** "96² 16→16" for a convolution kernel from its input shapes. */
function convLabel(name: string, shapes: number[][]): string {
  if (name === 'Conv2DBackpropFilter') {
    const [x, dy] = shapes
    return `${x[1]}² ${x[3]}→${dy[3]}`
  }
  const [a, f] = shapes
  if (name === 'Conv2DBackpropInput') return `${a[1]}² ${f[2]}→${f[3]}`
  return `${a[1]}² ${f[2]}→${f[3]}${f[0] === 1 ? ' (1×1)' : ''}`
}

async function main(): Promise<void> {
  const profileEvery = option('--profile-every', 4)
  await initBackend('wasm')
  const out = await mkdtemp(join(os.tmpdir(), 'unet-phases-'))
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  const { config, data, lossOpts, model, optimizer, vars, rng, refs, lock } = await recipeSteps(
    out,
    log
  )
  const steps = Math.min(option('--steps', 1e9), Math.ceil(refs.length / config.batch))
  const t = { batch: 0, step: 0, metrics: 0, profiledStep: 0, validation: 0, checkpoint: 0 }
  const kernels = new Map<string, { ms: number; calls: number }>()
  let profiled = 0
  const add = (key: string, ms: number): void => {
    const k = kernels.get(key) ?? { ms: 0, calls: 0 }
    kernels.set(key, { ms: k.ms + ms, calls: k.calls + 1 })
  }
  const conf = createConfusion(1)
  const epoch0 = performance.now()
  for (let s = 0; s < steps; s++) {
    let t0 = performance.now()
    const hb = makeBatch(
      data.train,
      refs.slice(s * config.batch, (s + 1) * config.batch),
      config.size,
      1,
      config.augment,
      rng
    )
    t.batch += performance.now() - t0
    t0 = performance.now()
    if (s > 0 && s % profileEvery === 0) {
      let kept: tf.Tensor[] = []
      const info = await tf.profile(() => {
        const r = trainStep(model, optimizer, vars, hb, lossOpts)
        kept = [r.cost, r.pred]
        return kept
      })
      tf.dispose(kept)
      for (const k of info.kernels) {
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0
        add(CONVS.has(k.name) ? `${k.name} ${convLabel(k.name, k.inputShapes)}` : k.name, ms)
      }
      profiled++
      t.profiledStep += performance.now() - t0
      continue
    }
    const { cost, pred } = trainStep(model, optimizer, vars, hb, lossOpts)
    cost.dataSync()
    const classes = pred.dataSync() as Int32Array
    tf.dispose([cost, pred])
    t.step += performance.now() - t0
    t0 = performance.now()
    accumulate(conf, classes, hb.y, -1)
    scores(accumulate(createConfusion(1), classes, hb.y, -1))
    t.metrics += performance.now() - t0
  }
  const trained = performance.now() - epoch0
  let t0 = performance.now()
  const valRefs = tilePatches(data.val, config.size, config.valTiles)
  const val = validate(model, data.val, valRefs, config.size, config.batch * 2, lossOpts, 1)
  t.validation = performance.now() - t0
  t0 = performance.now()
  await saveModel(inferenceView(model), join(out, 'model'))
  const state = {
    epoch: 1,
    prng: rng.state(),
    schedule: initialSchedule(config),
    bestValIou: val.iou,
    bestValDice: val.dice,
    seconds: 0,
    savedAt: ''
  }
  await saveCheckpoint(join(out, 'last'), model, optimizer, state)
  t.checkpoint = performance.now() - t0
  const plain = steps - profiled
  const stepMs = t.step / plain
  const perStep = (ms: number): number => ms / profiled
  const kernelTotal = [...kernels.values()].reduce((n, k) => n + k.ms, 0) / profiled
  const rows = [...kernels.entries()].sort((a, b) => b[1].ms - a[1].ms)
  const convRows = rows.filter(([k]) => CONVS.has(k.split(' ')[0]))
  const convMs = convRows.reduce((n, [, k]) => n + k.ms, 0) / profiled
  const byWidth = new Map<string, number[]>()
  for (const [key, k] of convRows) {
    const [name, ...rest] = key.split(' ')
    const label = rest.join(' ')
    const v = byWidth.get(label) ?? [0, 0, 0]
    const idx = name === 'Conv2DBackpropInput' ? 1 : name === 'Conv2DBackpropFilter' ? 2 : 0
    v[idx] += perStep(k.ms)
    byWidth.set(label, v)
  }
  const epochMs = (t.batch / steps) * steps + stepMs * steps + (t.metrics / plain) * steps
  const f = (ms: number): string => ms.toFixed(1).padStart(8)
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  )
  console.log(
    `${steps} steps (${profiled} profiled), training part ${(trained / 1000).toFixed(1)} s wall`
  )
  console.log(`\nper epoch (${steps} steps), estimated from unprofiled steps:`)
  console.log(
    `  batch assembly + augmentation ${f(t.batch)} ms  (${(t.batch / steps).toFixed(1)} ms/step)`
  )
  console.log(
    `  training steps                ${f(stepMs * steps)} ms  (${stepMs.toFixed(1)} ms/step)`
  )
  console.log(`  metrics on the host           ${f((t.metrics / plain) * steps)} ms`)
  console.log(`  validation (${valRefs.length} tiles)       ${f(t.validation)} ms`)
  console.log(`  best model + last/ checkpoint ${f(t.checkpoint)} ms`)
  console.log(`  total                         ${f(epochMs + t.validation + t.checkpoint)} ms`)
  console.log(
    `\none training step: ${stepMs.toFixed(1)} ms wall; kernels ${kernelTotal.toFixed(1)} ms; JS between kernels ≈ ${(stepMs - kernelTotal).toFixed(1)} ms`
  )
  console.log(
    `  3×3/1×1 convolutions ${convMs.toFixed(1)} ms; other kernels ${(kernelTotal - convMs).toFixed(1)} ms`
  )
  console.log(`\nconvolutions per step by layer (fwd / dx / dW ms):`)
  for (const [label, v] of [...byWidth.entries()].sort(
    (a, b) => b[1][0] + b[1][1] + b[1][2] - a[1][0] - a[1][1] - a[1][2]
  ))
    console.log(`  ${label.padEnd(20)} ${v.map((ms) => ms.toFixed(1).padStart(6)).join(' /')}`)
  console.log(`\nother kernels per step:`)
  for (const [name, k] of rows.filter(([key]) => !CONVS.has(key.split(' ')[0])).slice(0, 20))
    console.log(
      `  ${name.padEnd(26)} ${perStep(k.ms).toFixed(1).padStart(7)} ms  x${(k.calls / profiled).toFixed(0)}`
    )
  console.log(
    `\nval IoU ${val.iou.toFixed(4)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`
  )
  model.dispose()
  optimizer.dispose()
  await lock.release()
  await rm(out, { recursive: true, force: true })
}

void main().then(() => process.exit(0))
