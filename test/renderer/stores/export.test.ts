import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { setApi } from '../../../src-renderer/src/stores/app'
import { useExportStore } from '../../../src-renderer/src/stores/export'
import { fakeApi } from '../fake-api'

/** A field's change event with `value` typed in. */
const typed = (value: string) => ({ target: { value } }) as unknown as Event

/** A prediction of /in with run r1, started as job p1 (its results list empty). */
async function startedPrediction() {
  const api = fakeApi({
    'folder:choose': { path: '/in' },
    'predict:start': { jobId: 'p1' },
    'predict:results': []
  })
  setApi(api)
  const exp = useExportStore()
  exp.runDir = '/runs/r1'
  exp.setInput('/in')
  await exp.start()
  return { api, exp }
}

describe('export store: the Predict panel’s advanced settings', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('sends what was typed, and leaves an emptied field to the default', async () => {
    const api = fakeApi({ 'folder:choose': { path: '/in' }, 'predict:start': { jobId: 'p1' } })
    setApi(api)
    const exp = useExportStore()
    exp.setOptional('pixelSize', typed('0.325'))
    exp.setOptional('tile', typed('256'))
    exp.setOptional('scale', typed('not a number'))
    exp.setOptional('h', typed('3'))
    exp.setOptional('h', typed(''))
    exp.options.tta = true
    exp.options.split = false
    exp.runDir = '/runs/r1'
    exp.setInput('/in')
    await exp.start()
    const sent = api.calls.find((c) => c.channel === 'predict:start')!.arg as Record<
      string,
      unknown
    >
    expect(sent).toMatchObject({
      pixelSize: 0.325,
      tile: 256,
      tta: true,
      split: false,
      input: '/in'
    })
    expect(sent).not.toHaveProperty('scale')
    expect(sent).not.toHaveProperty('h')
  })

  it('keeps the previous results when the host refuses to start, and says why', async () => {
    const refusal = new Error(
      'output folder /out holds the predictions of /a (its prediction.json)'
    )
    setApi(fakeApi({ 'folder:choose': { path: '/in' }, 'predict:start': refusal }))
    const exp = useExportStore()
    exp.runDir = '/runs/r1'
    exp.setInput('/in')
    exp.state = 'done'
    exp.results = [{ image: 'a.png', objects: 3 }]
    await exp.start()
    expect(exp.state).toBe('done')
    expect(exp.error).toBe(refusal.message)
    expect(exp.results).toEqual([{ image: 'a.png', objects: 3 }])
  })

  it('lists the images that failed, and says failed when every image did', async () => {
    const { api, exp } = await startedPrediction()
    for (const [done, item] of [
      [1, 'a.png'],
      [2, 'b.png']
    ] as const)
      api.emit('job:event', {
        jobId: 'p1',
        kind: 'predict',
        event: {
          type: 'progress',
          done,
          total: 2,
          item,
          status: 'failed',
          reason: 'overlap 64 must be smaller than the tile 64'
        }
      })
    api.emit('job:event', {
      jobId: 'p1',
      kind: 'predict',
      event: {
        type: 'done',
        result: {
          kind: 'predict',
          out: '/in-predictions',
          images: 2,
          done: 0,
          skipped: 0,
          failed: 2,
          objects: 0,
          seconds: 1,
          imagesPerSecond: 0,
          cancelled: false,
          problems: []
        }
      }
    })
    expect(exp.state).toBe('failed')
    expect(exp.failures).toEqual([
      { image: 'a.png', reason: 'overlap 64 must be smaller than the tile 64' },
      { image: 'b.png', reason: 'overlap 64 must be smaller than the tile 64' }
    ])
  })

  it('shows no progress before the image count is known, then the share done', async () => {
    const { api, exp } = await startedPrediction()
    expect([exp.state, exp.total, exp.percent]).toEqual(['running', 0, 0])
    const progress = (done: number) =>
      api.emit('job:event', {
        jobId: 'p1',
        kind: 'predict',
        event: { type: 'progress', done, total: 4, item: `${done}.png`, status: 'done' }
      })
    progress(1)
    expect(exp.percent).toBe(25)
    progress(3)
    expect(exp.percent).toBe(75)
  })
})
