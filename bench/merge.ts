/**
 * `npx tsx bench/merge.ts [--mode binary|instances|boundary] [--json]`: times `mergeDataset` over
 * the 120 shared DSB2018 samples (6,369 instance masks) into a temp folder, whole run including
 * the scan and the PNG writes; prints masks/s and seconds, with `--json` one summary line last.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mergeDataset, type MergeMode } from '../src-main/data/merge'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The shared DSB2018 folder (read in place: merge never writes its sources). */
export const DSB_ROOT = resolve(ROOT, '..', 'shared', 'datasets', 'dsb2018')

/** What one timed merge gives. */
export interface MergeBench {
  mode: MergeMode
  samples: number
  failed: number
  masks: number
  seconds: number
  masksPerSecond: number
}

/** Merge every shared DSB sample into a temp folder (deleted after) and time the whole run. */
export async function benchMerge(mode: MergeMode = 'binary'): Promise<MergeBench> {
  const out = await mkdtemp(join(tmpdir(), 'unet-bench-merge-'))
  try {
    const start = performance.now()
    const s = await mergeDataset(DSB_ROOT, out, { mode })
    const seconds = (performance.now() - start) / 1000
    return {
      mode,
      samples: s.ok,
      failed: s.failed.length,
      masks: s.masksMerged,
      seconds: Math.round(seconds * 100) / 100,
      masksPerSecond: Math.round(s.masksMerged / seconds)
    }
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--mode')
  const mode = (i >= 0 ? process.argv[i + 1] : 'binary') as MergeMode
  const r = await benchMerge(mode)
  process.stdout.write(
    `merge (${r.mode}): ${r.samples} samples, ${r.masks} masks in ${r.seconds} s ` +
      `= ${r.masksPerSecond} masks/s${r.failed ? `, ${r.failed} failed` : ''}\n`
  )
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(r)}\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? err}\n`)
    process.exitCode = 1
  })
}
