import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PredictionRecord } from '../../../src-preload/records'
import { writeImage } from '../../../src-main/data/image-io'
import { findPredictions, readPredictedLabel } from '../../../src-main/services/predictions'

let temp = ''
const W = 4
const H = 2
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'predictions-'))
})
afterAll(() => rm(temp, { recursive: true, force: true }))

/** A predictions folder of `input` for one image `a`: a 0/255 mask and a 16-bit instance map. */
async function predictionsOf(input: string, model: Partial<PredictionRecord['model']>) {
  await mkdir(input, { recursive: true })
  await writeImage(join(input, 'a.png'), {
    data: new Uint8Array(W * H * 3),
    width: W,
    height: H,
    channels: 3,
    bitDepth: 8
  })
  const out = `${input}-predictions`
  await mkdir(join(out, 'masks'), { recursive: true })
  await mkdir(join(out, 'instances'), { recursive: true })
  const mask = Uint8Array.from([255, 255, 0, 0, 0, 255, 0, 0])
  await writeImage(join(out, 'masks', 'a.png'), {
    data: mask,
    width: W,
    height: H,
    channels: 1,
    bitDepth: 8
  })
  const ids = Uint16Array.from([1, 1, 0, 0, 0, 2, 0, 0])
  await writeImage(join(out, 'instances', 'a.png'), {
    data: ids,
    width: W,
    height: H,
    channels: 1,
    bitDepth: 16
  })
  const record = {
    version: 1,
    app: { name: 'UNet Studio', version: 't' },
    date: '2026-01-01T00:00:00Z',
    input,
    model: {
      path: '/m',
      name: 'm',
      dataset: null,
      createdAt: null,
      arch: 'unet',
      labelType: 'binary',
      invertMask: false,
      classes: 1,
      channels: 3,
      ...model
    },
    settings: {}
  }
  await writeFile(join(out, 'prediction.json'), JSON.stringify(record))
  return out
}

describe('predictions read back as labels', () => {
  it('finds the default sibling by its record, and reads instances with their ids', async () => {
    const input = join(temp, 'cells')
    const out = await predictionsOf(input, {})
    const found = await findPredictions(input)
    expect(found?.out).toBe(out)
    expect(await findPredictions(join(temp, 'other'))).toBeNull()
    const label = await readPredictedLabel(found!, 'a', join(input, 'a.png'), 'instances')
    expect(label).toMatchObject({ kind: 'instances', width: W, height: H })
    expect([...label!.data]).toEqual([1, 1, 0, 0, 0, 2, 0, 0])
    expect(await readPredictedLabel(found!, 'b', join(input, 'a.png'), 'instances')).toBeNull()
  })

  it('numbers the mask’s connected components when no instance map was written', async () => {
    const input = join(temp, 'nuclei')
    const out = await predictionsOf(input, {})
    await rm(join(out, 'instances'), { recursive: true })
    const found = await findPredictions(input)
    const label = await readPredictedLabel(found!, 'a', join(input, 'a.png'), 'instances')
    expect(label?.kind).toBe('instances')
    expect(label!.data).toBeInstanceOf(Uint16Array)
    expect([...label!.data]).toEqual([1, 1, 0, 0, 0, 1, 0, 0])
  })

  it('reads a mask as the foreground of a binary dataset, inverted or not (the project flips it on save)', async () => {
    const input = join(temp, 'em')
    await predictionsOf(input, { invertMask: true })
    const found = await findPredictions(input)
    const label = await readPredictedLabel(found!, 'a', join(input, 'a.png'), 'binary')
    expect(label?.kind).toBe('binary')
    expect([...label!.data]).toEqual([1, 1, 0, 0, 0, 1, 0, 0])
  })

  it('keeps class indices of a class model', async () => {
    const input = join(temp, 'street')
    const out = await predictionsOf(input, { labelType: 'classes', classes: 12 })
    const classes = Uint8Array.from([0, 3, 3, 11, 2, 2, 1, 0])
    await writeImage(join(out, 'masks', 'a.png'), {
      data: classes,
      width: W,
      height: H,
      channels: 1,
      bitDepth: 8
    })
    const label = await readPredictedLabel(
      (await findPredictions(input))!,
      'a',
      join(input, 'a.png'),
      'classes'
    )
    expect(label?.kind).toBe('classes')
    expect([...label!.data]).toEqual([...classes])
  })
})
