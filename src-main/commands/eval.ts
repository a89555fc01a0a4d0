import type { Command } from 'commander'
import { backendList } from '../../src-preload/options/backend'
import { asFlag, definedOnly, parseOptions } from '../../src-preload/options/common'
import { evalOptions } from '../../src-preload/options/eval'
import { evaluateRun } from '../engine/eval/evaluate'

/** Flags of the `eval` command that are not evaluation options. */
export const EVAL_CLI_ONLY_FLAGS = ['json'] as const

/** `eval`: score a run's model on a labelled dataset at original resolution. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'predict each labelled image at original resolution and print foreground IoU and Dice'
    )
    .requiredOption('--model <run>', 'run folder (config.json + model/)')
    .requiredOption('--data <dir>', 'labelled dataset folder')
    .option('--backend <name>', backendList())
    .option('--json', 'print {"iou","dice",...} as the last stdout line')
    .action(async (flags: { json?: boolean }) => {
      const { json, ...rest } = flags
      const o = parseOptions(evalOptions, definedOnly(rest), 'bad eval options', asFlag)
      const r = await evaluateRun(o.model, o.data, {
        backend: o.backend,
        onImage: (id, iou, done, total) =>
          process.stderr.write(`${done}/${total} ${id} iou ${iou.toFixed(3)}\n`)
      })
      for (const s of r.skipped) process.stderr.write(`skipped ${s.file}: ${s.reason}\n`)
      process.stderr.write(
        `${r.images} images: IoU ${r.iou.toFixed(4)} Dice ${r.dice.toFixed(4)} (mean per-image IoU ${r.meanImageIou.toFixed(4)})\n`
      )
      if (r.f1 !== undefined)
        process.stderr.write(
          `objects: F1 ${r.f1.toFixed(4)} AP50 ${r.ap50!.toFixed(4)} (connected components only: F1 ${r.f1Components!.toFixed(4)})\n`
        )
      if (json) process.stdout.write(JSON.stringify(r) + '\n')
    })
}
