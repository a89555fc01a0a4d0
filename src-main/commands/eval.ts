import type { Command } from 'commander'
import type { BackendName } from '../engine/backend/init-backend'
import { evaluateRun } from '../engine/eval/evaluate'

/** `eval`: score a run's model on a labelled dataset at original resolution. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'predict each labelled image at original resolution and print foreground IoU and Dice'
    )
    .requiredOption('--model <run>', 'run folder (config.json + model/)')
    .requiredOption('--data <dir>', 'labelled dataset folder')
    .option('--backend <name>', 'tensorflow-gpu, tensorflow, wasm or cpu')
    .option('--json', 'print {"iou","dice",...} as the last stdout line')
    .action(async (o: { model: string; data: string; backend?: BackendName; json?: boolean }) => {
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
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n')
    })
}
