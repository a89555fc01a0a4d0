/**
 * Every job option has a command-line flag unless a written list says why not, and every flag is
 * an option or a written CLI-only flag: adding an option to a schema without a flag fails here.
 */
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { EVAL_OPTION_NAMES } from '../../../src-preload/options/eval'
import { MERGE_OPTION_NAMES } from '../../../src-preload/options/merge'
import { PREDICT_OPTION_NAMES } from '../../../src-preload/options/predict'
import { TRAIN_OPTION_NAMES } from '../../../src-preload/options/train'
import { TUNE_OPTION_NAMES } from '../../../src-preload/options/tune'
import { registerTuneCommand, TUNE_CLI_ONLY_FLAGS } from '../../../src-main/commands/tune'
import { EVAL_CLI_ONLY_FLAGS, registerEvalCommand } from '../../../src-main/commands/eval'
import { MERGE_CLI_ONLY_FLAGS, registerMergeCommand } from '../../../src-main/commands/merge'
import { PREDICT_CLI_ONLY_FLAGS, registerPredictCommand } from '../../../src-main/commands/predict'
import {
  registerTrainCommand,
  TRAIN_AUGMENT_FLAGS,
  TRAIN_CLI_ONLY_FLAGS,
  TRAIN_OPTIONS_WITHOUT_FLAG
} from '../../../src-main/commands/train'
import { augmentSchema } from '../../../src-preload/options/train'

/** The option names a command takes: its flags' attribute names and its arguments. */
function commandInputs(register: (p: Command) => void, name: string): string[] {
  const program = new Command()
  register(program)
  const command = program.commands.find((c) => c.name() === name)
  if (!command) throw new Error(`no ${name} command`)
  return [
    ...command.options.map((o) => o.attributeName()),
    ...command.registeredArguments.map((a) => a.name())
  ]
}

const COMMANDS = [
  {
    name: 'train',
    register: registerTrainCommand,
    options: TRAIN_OPTION_NAMES,
    withoutFlag: Object.keys(TRAIN_OPTIONS_WITHOUT_FLAG),
    cliOnly: [...TRAIN_CLI_ONLY_FLAGS, ...Object.keys(TRAIN_AUGMENT_FLAGS)]
  },
  {
    name: 'predict',
    register: registerPredictCommand,
    options: PREDICT_OPTION_NAMES,
    withoutFlag: [],
    cliOnly: PREDICT_CLI_ONLY_FLAGS
  },
  {
    name: 'merge',
    register: registerMergeCommand,
    options: MERGE_OPTION_NAMES,
    withoutFlag: [],
    cliOnly: MERGE_CLI_ONLY_FLAGS
  },
  {
    name: 'tune',
    register: registerTuneCommand,
    options: TUNE_OPTION_NAMES,
    withoutFlag: [],
    cliOnly: TUNE_CLI_ONLY_FLAGS
  },
  {
    name: 'eval',
    register: registerEvalCommand,
    options: EVAL_OPTION_NAMES,
    withoutFlag: [],
    cliOnly: EVAL_CLI_ONLY_FLAGS
  }
]

/** Options with neither a flag nor a written reason. */
function missingFlags(inputs: string[], options: readonly string[], withoutFlag: string[]) {
  return options.filter((o) => !inputs.includes(o) && !withoutFlag.includes(o))
}

describe('command-line flags and the option schemas', () => {
  for (const c of COMMANDS) {
    it(`${c.name}: a flag for every option (or a reason why not), an option for every flag`, () => {
      const inputs = commandInputs(c.register, c.name)
      const options: readonly string[] = c.options
      expect(missingFlags(inputs, options, c.withoutFlag)).toEqual([])
      expect(c.withoutFlag.filter((o) => !options.includes(o) || inputs.includes(o))).toEqual([])
      const cliOnly: readonly string[] = c.cliOnly
      expect(inputs.filter((i) => !options.includes(i) && !cliOnly.includes(i))).toEqual([])
    })
  }

  it('train: a flag for every augmentation setting', () => {
    const inputs = commandInputs(registerTrainCommand, 'train')
    const flags = Object.keys(TRAIN_AUGMENT_FLAGS)
    expect(flags.filter((f) => !inputs.includes(f))).toEqual([])
    expect(Object.keys(augmentSchema.shape).sort()).toEqual(
      [...new Set(Object.values(TRAIN_AUGMENT_FLAGS))].sort()
    )
  })

  it('names a new option that has no flag', () => {
    const inputs = commandInputs(registerTrainCommand, 'train')
    const withoutFlag = Object.keys(TRAIN_OPTIONS_WITHOUT_FLAG)
    expect(missingFlags(inputs, [...TRAIN_OPTION_NAMES, 'newOption'], withoutFlag)).toEqual([
      'newOption'
    ])
  })
})
