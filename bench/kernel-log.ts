/**
 * `npx tsx bench/kernel-log.ts --out LOG [--steps N] [--against REF]`: N training steps of the
 * DSB2018 recipe (seed 41, 96 px, base 16, batch 8) with the md5 of every wasm kernel's outputs
 * written to LOG, one line per kernel call (`step kernel input-shapes hashes`). With `--against`,
 * prints the first line where LOG and the reference log REF differ: the kernel where two runs of
 * the same steps parted (run the reference on a quiet machine, then runs beside a busy one).
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src-main/engine/backend/init-backend'
import { tf } from '../src-main/engine/backend/tf'
import { makeBatch } from '../src-main/engine/train/batches'
import { trainStep } from '../src-main/engine/train/train-loop'
import { recipeSteps } from './recipe-steps'

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

interface Readable {
  readSync(dataId: unknown): ArrayLike<number> & ArrayBufferView
}

const md5 = (a: ArrayBufferView): string =>
  createHash('md5')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex')
    .slice(0, 8)

/** Wraps every wasm kernel so each call appends its outputs' hashes to `lines` (at `step()` ≥ 0). */
function logKernels(lines: string[], step: () => number): void {
  const backend = tf.backend() as unknown as Readable
  for (const config of tf.getKernelsForBackend('wasm')) {
    const run = config.kernelFunc
    tf.unregisterKernel(config.kernelName, 'wasm')
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const out = run(args)
        if (step() < 0) return out
        const outs = Array.isArray(out) ? out : [out]
        const hashes = outs.map((o) =>
          o.dtype === 'string' ? '-' : md5(backend.readSync(o.dataId))
        )
        const shapes = Object.values(args.inputs)
          .map((t) => (t ? t.shape.join('x') : '-'))
          .join(',')
        lines.push(`${step()} ${config.kernelName} ${shapes} ${hashes.join(',')}`)
        return out
      }
    })
  }
}

async function main(): Promise<void> {
  const logPath = option('--out')
  if (!logPath) throw new Error('--out LOG is required')
  const steps = Number(option('--steps') ?? 24)
  await initBackend('wasm')
  const lines: string[] = []
  let current = -1
  logKernels(lines, () => current)
  const out = await mkdtemp(join(os.tmpdir(), 'unet-kernel-log-'))
  const { config, data, lossOpts, model, optimizer, vars, rng, refs, lock } = await recipeSteps(
    out,
    () => undefined
  )
  try {
    for (current = 0; current < steps; current++) {
      const chunk = refs.slice(current * config.batch, (current + 1) * config.batch)
      const hb = makeBatch(data.train, chunk, config.size, 1, config.augment, rng)
      const { cost, pred } = trainStep(model, optimizer, vars, hb, lossOpts)
      cost.dataSync()
      tf.dispose([cost, pred])
    }
  } finally {
    await lock.release()
    await rm(out, { recursive: true, force: true })
  }
  await writeFile(logPath, lines.join('\n') + '\n')
  console.log(`${lines.length} kernel calls in ${steps} steps written to ${logPath}`)
  const against = option('--against')
  if (!against) return
  const ref = (await readFile(against, 'utf8')).split('\n').filter((line) => line !== '')
  const length = Math.max(lines.length, ref.length)
  const at = Array.from({ length }, (_, i) => i).find((i) => lines[i] !== ref[i]) ?? -1
  console.log(
    at < 0
      ? `same as ${against}, line for line`
      : `first difference at line ${at + 1}:\n  ${against}: ${ref[at] ?? '(ends here)'}\n  this run: ${lines[at] ?? '(ends here)'}`
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
