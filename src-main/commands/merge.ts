import type { Command } from 'commander'
import { asFlag, definedOnly, parseOptions } from '../../src-preload/options/common'
import { MERGE_DEFAULTS, mergeOptions } from '../../src-preload/options/merge'
import { mergeDataset, type MergeProgress } from '../data/merge'

/** Flags of the `merge` command that are not merge options. */
export const MERGE_CLI_ONLY_FLAGS = ['json'] as const

/** Seconds between progress lines when stderr is not a terminal. */
export const DEFAULT_PROGRESS_INTERVAL_S = 5

/** A one-line merge progress report. */
export function mergeProgressLine(p: MergeProgress): string {
  const pct = Math.round((100 * p.done) / Math.max(1, p.total))
  const failed = p.failed ? `, ${p.failed} failed` : ''
  return `merged ${p.done}/${p.total} samples (${pct}%), ${p.masks} masks${failed}`
}

function positiveInt(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--size must be a positive integer, got ${v}`)
  return n
}

/** `merge <dsb-root> --out <dir>`: instance masks → flat `images/` + `masks/` training pairs. */
export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge per-instance masks into one label per image: <out>/images + <out>/masks')
    .argument('<root>', 'dataset folder (DSB2018 per-instance masks, or flat images/ + masks/)')
    .requiredOption('--out <dir>', 'output folder (never inside the source folders)')
    .option(
      '--mode <mode>',
      'binary (0/255), instances (16-bit ids) or boundary (0/1/2)',
      MERGE_DEFAULTS.mode
    )
    .option('--size <n>', 'resize to n x n (images linear, labels nearest)', positiveInt)
    .option('--json', 'print a JSON summary as the last stdout line')
    .action(async (root: string, flags: { json?: boolean }) => {
      const { json, ...rest } = flags
      const o = parseOptions(
        mergeOptions,
        { root, ...definedOnly(rest) },
        'bad merge options',
        asFlag
      )
      const tty = Boolean(process.stderr.isTTY)
      let last = performance.now()
      const summary = await mergeDataset(o.root, o.out, {
        mode: o.mode,
        size: o.size,
        onProgress: (p) => {
          const now = performance.now()
          const end = p.done === p.total
          if (tty) process.stderr.write(`\r\x1b[K${mergeProgressLine(p)}${end ? '\n' : ''}`)
          else if (end || now - last >= DEFAULT_PROGRESS_INTERVAL_S * 1000) {
            process.stderr.write(`${mergeProgressLine(p)}\n`)
            last = now
          }
        }
      })
      for (const p of summary.scanProblems) process.stderr.write(`skipped ${p.file}: ${p.reason}\n`)
      for (const p of summary.failed) process.stderr.write(`failed ${p.file}: ${p.reason}\n`)
      const overlaps = summary.overlapPixels
        ? `, ${summary.overlapPixels} overlapping pixels in ${summary.samplesWithOverlaps} samples (later mask wins)`
        : ''
      process.stdout.write(
        `${summary.ok} of ${summary.samples} samples merged (${summary.mode}) into ${summary.outDir}: ` +
          `${summary.masksMerged} masks in ${summary.seconds.toFixed(1)}s ` +
          `(${summary.masksPerSecond.toFixed(0)} masks/s)${overlaps}\n`
      )
      if (json) process.stdout.write(JSON.stringify(summary) + '\n')
      if (summary.ok === 0) process.exitCode = 1
    })
}
