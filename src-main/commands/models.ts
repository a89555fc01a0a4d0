import type { Command } from 'commander'
import { listBuiltinModels } from '../engine/builtin-models'

/** `models`: list the models shipped with the app (usable as `--model <name>`). */
export function registerModelsCommand(program: Command): void {
  program
    .command('models')
    .description('list the built-in models: use one with predict/eval --model <name>')
    .option('--json', 'print the model cards as one JSON line')
    .action((o: { json?: boolean }) => {
      const models = listBuiltinModels()
      for (const m of models)
        process.stderr.write(
          `${m.name}: ${m.title} — ${m.arch}, ${m.labelType}${m.separation ? ` (${m.separation})` : ''}, ` +
            `F1@0.5 ${m.scores.f1.toFixed(3)}, AP50 ${m.scores.ap50.toFixed(3)} on ${m.scores.images} validation images\n`
        )
      if (models.length === 0) process.stderr.write('no built-in models found\n')
      if (o.json)
        process.stdout.write(
          JSON.stringify(
            models.map(({ scores, scoresFloat32, ...m }) => ({
              ...m,
              scores: { ...scores, perImageF1: undefined },
              scoresFloat32: scoresFloat32 && { ...scoresFloat32, perImageF1: undefined }
            }))
          ) + '\n'
        )
    })
}
