/** Headless entry point (`npm run -s cli -- <command>`): one import and one register line per command. */
import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { registerEvalCommand } from './commands/eval'
import { registerInfoCommand } from './commands/info'
import { registerMergeCommand } from './commands/merge'
import { registerModelsCommand } from './commands/models'
import { registerPredictCommand } from './commands/predict'
import { registerTrainCommand } from './commands/train'
import { registerTuneCommand } from './commands/tune'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const program = new Command('unet-studio')
  .description('Segment images with U-Net, headless')
  .version(pkg.version)
registerTrainCommand(program)
registerEvalCommand(program)
registerPredictCommand(program)
registerInfoCommand(program)
registerMergeCommand(program)
registerModelsCommand(program)
registerTuneCommand(program)

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`)
  process.exitCode = 1
})
