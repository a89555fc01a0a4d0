import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { registerEvalCommand } from '../../../src-main/commands/eval'
import { registerTrainCommand } from '../../../src-main/commands/train'
import { readRunConfig } from '../../../src-main/engine/run-store'
import { copyDsb } from '../engine/copy-datasets'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

/** Run one command in-process and return the last stdout line parsed as JSON. */
async function run(args: string[]): Promise<Record<string, unknown>> {
  const program = new Command().exitOverride()
  registerTrainCommand(program)
  registerEvalCommand(program)
  const lines: string[] = []
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk))
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    await program.parseAsync(args, { from: 'user' })
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
  return JSON.parse(lines.join('').trim().split('\n').pop() ?? '{}')
}

describe('train and eval commands', () => {
  it('parse options into the run config and print a JSON summary last', async () => {
    const data = await copyDsb(4)
    dirs.push(data)
    const out = join(data, 'run')
    const summary = await run([
      'train',
      '--data',
      data,
      '--out',
      out,
      '--size',
      '32',
      '--base',
      '4',
      '--depth',
      '2',
      '--epochs',
      '1',
      '--patches',
      '2',
      '--batch',
      '4',
      '--loss',
      'focal',
      '--optimizer',
      'sgd',
      '--no-augment',
      '--seed',
      '7',
      '--json'
    ])
    expect(summary.epochs).toBe(1)
    const config = await readRunConfig(out)
    expect([
      config.size,
      config.base,
      config.depth,
      config.loss,
      config.optimizer,
      config.seed
    ]).toEqual([32, 4, 2, 'focal', 'sgd', 7])
    expect(config.batchNorm).toBe(true)
    expect(config.augment.flip).toBe(false)
    const all = await run(['eval', '--model', out, '--data', data, '--split', 'all', '--json'])
    expect(all.images).toBe(4)
    expect(typeof all.iou).toBe('number')
    const val = await run(['eval', '--model', out, '--json'])
    expect(val).toMatchObject({ split: 'val', data, images: config.split.val.length })
    expect((val.perImage as { id: string }[]).map((r) => r.id)).toEqual(config.split.val)
  })

  it('augmentation flags reach the run config (the rest keep their defaults)', async () => {
    const data = await copyDsb(2)
    dirs.push(data)
    const out = join(data, 'run')
    await run([
      'train',
      ...['--data', data, '--out', out, '--size', '32', '--base', '4', '--depth', '2'],
      ...['--epochs', '1', '--patches', '1', '--batch', '2', '--val', '0.5'],
      ...['--no-flip', '--affine', '0.5', '--rotate-deg', '30', '--elastic', '0.25'],
      ...['--intensity', '0.8', '--gamma', '0.3', '--noise', '0.02', '--json']
    ])
    const { augment } = await readRunConfig(out)
    expect(augment).toMatchObject({
      flip: false,
      rot90: true,
      affine: 0.5,
      rotateDeg: 30,
      elastic: 0.25,
      intensity: 0.8,
      gamma: 0.3,
      noise: 0.02,
      brightness: 0.1
    })
  })
})
