import type { Command } from 'commander'
import { describeDataset, type DatasetDescription } from '../data/dataset'
import { maskValueWords } from '../data/mask-values'

/** Human wording of what the masks are, e.g. `per-instance files (binary 0/255)`. */
export function maskWords(d: DatasetDescription): string {
  const { kind, values, valuesSeen } = d.mask
  if (kind === 'none') return 'none'
  const inside = values === 'mixed' || values === 'unknown' ? values : maskValueWords(values)
  const classes = values === 'class-index' ? ` (classes seen: ${valuesSeen.join(', ')})` : ''
  const ids =
    values === 'instance-id' ? ` (${valuesSeen.filter((v) => v > 0).length} ids seen)` : ''
  if (kind === 'per-instance-files') return `per-instance files, one object each (${inside})`
  return `${inside}${classes}${ids}`
}

/** The description as readable lines. */
export function describeLines(d: DatasetDescription): string[] {
  const list = <T>(items: T[], f: (t: T) => string) => items.map(f).join(', ') || '-'
  const lines = [
    `dataset:   ${d.root}`,
    `layout:    ${d.layout}`,
    ...d.notes.map((n) => `note:      ${n}`),
    `samples:   ${d.samples} (${d.samplesWithMasks} with masks)`
  ]
  if (d.instanceMasks) {
    const m = d.instanceMasks
    lines.push(
      `instances: ${m.files} mask files, per sample min ${m.min} / median ${m.median} / max ${m.max}`
    )
  }
  lines.push(
    `sizes:     ${list(d.sizes, (s) => `${s.width}x${s.height} (${s.count})`)}`,
    `channels:  ${list(d.channels, (c) => `${c.channels} (${c.count})`)}${d.withAlpha ? `, alpha dropped in ${d.withAlpha}` : ''}`,
    `bit depth: ${list(d.bitDepths, (b) => `${b.bitDepth}-bit (${b.count})`)}`,
    `masks:     ${maskWords(d)}`,
    `           values checked in ${d.mask.filesChecked} of ${d.mask.filesTotal} mask files`,
    `problems:  ${d.problems.length}`
  )
  for (const p of d.problems) lines.push(`  ${p.file}: ${p.reason}`)
  return lines
}

/** `info <dir>`: detect a dataset's layout and describe its images and masks. */
export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description('describe a dataset folder: layout, samples, sizes, channels, bit depth, masks')
    .argument('<dir>', 'dataset folder (DSB2018, images/ + masks/, or images only)')
    .option('--max-mask-files <n>', 'mask files decoded to learn their values', Number)
    .option('--json', 'print a JSON summary as the last stdout line')
    .action(async (dir: string, o: { json?: boolean; maxMaskFiles?: number }) => {
      const d = await describeDataset(dir, { maxMaskFiles: o.maxMaskFiles })
      const readable = d.sizes.reduce((n, s) => n + s.count, 0)
      process.stdout.write(describeLines(d).join('\n') + '\n')
      if (o.json) {
        const summary = { ...d, readableImages: readable, maskDescription: maskWords(d) }
        process.stdout.write(JSON.stringify(summary) + '\n')
      }
      if (readable === 0) {
        process.stderr.write(`error: no readable image in ${d.root}\n`)
        process.exitCode = 1
      }
    })
}
