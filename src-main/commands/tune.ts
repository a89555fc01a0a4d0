import type { Command } from 'commander'
import { backendList } from '../../src-preload/options/backend'
import { asFlag, definedOnly, parseOptions } from '../../src-preload/options/common'
import { tuneOptions } from '../../src-preload/options/tune'
import type { GridScore } from '../engine/eval/choose-postprocess'
import { tuneRun } from '../engine/eval/tune-run'

/** Flags of the `tune` command that are not tuning options. */
export const TUNE_CLI_ONLY_FLAGS = ['json'] as const

/** One setting in words: "TTA, threshold 0.5, min 20 px, floor 0.7, h 2". */
function describe(s: GridScore['settings']): string {
  const split = s.h !== undefined ? `h ${s.h}` : `seed level ${s.seedLevel}`
  return `${s.tta ? 'TTA' : 'no TTA'}, threshold ${s.threshold}, min ${s.minSize} px, floor ${s.minScore ?? 0}, ${split}`
}

/** `tune`: choose a run's object post-processing on instance labels and save it in its config. */
export function registerTuneCommand(program: Command): void {
  program
    .command('tune')
    .description(
      "choose a run's object post-processing (TTA, threshold, smallest object, probability floor, split h or seed level) by object F1 on labelled instance images, and save it in its config.json for predict and eval"
    )
    .requiredOption('--model <run>', 'run folder (config.json + model/)')
    .option(
      '--data <dir>',
      "dataset with instance labels (default: the run's own validation images; another folder: all its instance-labelled images)"
    )
    .option('--no-tta', 'do not try test-time augmentation (about 5x faster)')
    .option('--backend <name>', backendList())
    .option('--json', 'print the chosen settings and scores as the last stdout line')
    .action(async (flags: { json?: boolean }) => {
      const { json, ...rest } = flags
      const o = parseOptions(tuneOptions, definedOnly(rest), 'bad tune options', asFlag)
      const r = await tuneRun(o, (done, total) =>
        process.stderr.write(`${done}/${total} images predicted and scored\n`)
      )
      for (const row of r.best)
        process.stderr.write(
          `F1 ${row.f1.toFixed(4)} AP50 ${row.ap50.toFixed(4)}  ${describe(row.settings)}\n`
        )
      process.stderr.write(
        `chosen on ${r.images} images of ${r.data}: ${describe(r.chosen.settings)} (F1 ${r.chosen.f1.toFixed(4)}); saved in ${r.runDir}/config.json\n`
      )
      if (json) process.stdout.write(JSON.stringify(r) + '\n')
    })
}
