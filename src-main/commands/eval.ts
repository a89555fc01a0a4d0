import type { Command } from 'commander'
import { backendList } from '../../src-preload/options/backend'
import { asFlag, definedOnly, parseOptions } from '../../src-preload/options/common'
import { evalOptions } from '../../src-preload/options/eval'
import { runEvaluation } from '../engine/eval/run-eval'

/** Flags of the `eval` command that are not evaluation options. */
export const EVAL_CLI_ONLY_FLAGS = ['json'] as const

/** `eval`: score a run's model on its validation split (or a labelled folder) at original resolution. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      "predict each labelled image whole and print IoU and Dice (object F1 and AP50 with instance ground truth); default: the run's validation split"
    )
    .requiredOption('--model <run>', 'run folder (config.json + model/), or a built-in model name')
    .option('--data <dir>', 'labelled dataset folder (default: the one the run was trained on)')
    .option(
      '--split <part>',
      "val: the run's validation images (default); all: every labelled image"
    )
    .option('--out <dir>', 'write eval.json and each image prediction (predictions/<id>.png) here')
    .option(
      '--tta',
      "test-time augmentation: average 8 flips/transposes (the network runs 8 times, about 4x the prediction time; default: the model's choice, else off)"
    )
    .option('--no-tta', "no test-time augmentation, whatever the model's choice")
    .option('--gallery <dir>', 'write <id>.png per image: original | prediction | label | outlines')
    .option('--backend <name>', backendList())
    .option('--json', 'print {"iou","dice",...} as the last stdout line')
    .action(async (flags: { json?: boolean }) => {
      const { json, ...rest } = flags
      const o = parseOptions(evalOptions, definedOnly(rest), 'bad eval options', asFlag)
      const r = await runEvaluation(o, {
        onImage: (id, iou, done, total, f1) =>
          process.stderr.write(
            `${done}/${total} ${id} iou ${iou.toFixed(3)}${f1 === undefined ? '' : ` f1 ${f1.toFixed(3)}`}\n`
          )
      })
      for (const s of r.skipped) process.stderr.write(`skipped ${s.file}: ${s.reason}\n`)
      const what = r.split === 'val' ? 'validation images' : 'labelled images'
      process.stderr.write(
        `${r.images} ${what} of ${r.data}: IoU ${r.iou.toFixed(4)} Dice ${r.dice.toFixed(4)} (mean per-image IoU ${r.meanImageIou.toFixed(4)})\n`
      )
      if (r.classNames)
        process.stderr.write(
          `IoU per class: ${r.perClassIou
            .map(
              (v, k) =>
                `${r.classNames![k]} ${k === r.ignoreIndex ? 'ignored' : (v?.toFixed(3) ?? '–')}`
            )
            .join(', ')}\n`
        )
      if (r.f1 !== undefined)
        process.stderr.write(
          `objects: F1 ${r.f1.toFixed(4)} AP50 ${r.ap50!.toFixed(4)} (connected components only: F1 ${r.f1Components!.toFixed(4)})\n`
        )
      if (o.out) process.stderr.write(`eval.json and predictions in ${o.out}\n`)
      if (o.gallery) process.stderr.write(`gallery in ${o.gallery}\n`)
      if (json) process.stdout.write(JSON.stringify(r) + '\n')
    })
}
