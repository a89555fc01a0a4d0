import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BACKEND_NAMES } from '../../src-preload/options/backend'
import { DSB_SAMPLES, openApp, openDataset, shot, stateIs, useAppSession } from './support'

const IDS = DSB_SAMPLES.slice(0, 4)
const TINY: Record<string, string> = {
  'train-size': '32',
  'train-base': '4',
  'train-depth': '2',
  'train-epochs': '2',
  'train-patches': '2',
  'train-batch': '4'
}

describe('app: train a tiny U-Net, then predict with it', () => {
  const session = useAppSession(IDS)

  it('trains two epochs with live chart points and a log.csv, then exports masks and counts', async () => {
    const { host, browser, dsb } = session
    const { page } = browser
    await openApp(page, host)
    await openDataset(page, dsb)
    await expect(page.getByTestId('sample-row').count()).resolves.toBe(IDS.length)

    await page.getByTestId('tab-train').click()
    await expect(page.getByTestId('train-data').inputValue()).resolves.toBe(dsb)
    for (const [id, value] of Object.entries(TINY)) await page.getByTestId(id).fill(value)
    await page.getByTestId('train-start').click()
    await page
      .locator('[data-testid="chart-epochs"] li')
      .first()
      .waitFor({ state: 'attached', timeout: 120_000 })
    await shot(page, 'app-training')
    await page.waitForFunction(
      () =>
        ['done', 'failed', 'stopped'].includes(
          document.querySelector('[data-testid="train-state"]')?.textContent?.trim() ?? ''
        ),
      undefined,
      { timeout: 150_000 }
    )
    const err = await page.getByTestId('train-error').count()
    expect(err ? await page.getByTestId('train-error').textContent() : null).toBeNull()
    await expect(page.getByTestId('train-state').textContent()).resolves.toBe('done')
    const epochs = await page
      .locator('[data-testid="chart-epochs"] li')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-epoch'))))
    expect(epochs).toEqual([1, 2])
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()
    const log = (await readFile(join(runDir, 'log.csv'), 'utf8')).trim().split('\n')
    expect(log[0]).toContain('val_iou')
    expect(log).toHaveLength(3)
    const badge = await page.getByTestId('train-backend').locator('b').textContent()
    expect(BACKEND_NAMES).toContain(badge?.trim())
    await shot(page, 'app-trained')
    const tiles = page.locator('[data-testid="train-previews"] canvas')
    expect(await tiles.count()).toBeGreaterThanOrEqual(3)
    await tiles.last().scrollIntoViewIfNeeded()
    await shot(page, 'app-train-previews')

    await page.getByTestId('tab-predict').click()
    const chosen = page.locator('[data-testid="predict-models"] [data-testid="model-entry"].on')
    await expect(chosen.getAttribute('data-path')).resolves.toBe(runDir)
    const out = await page.getByTestId('predict-out').inputValue()
    expect(out).toBe(`${dsb}-predictions`)
    await page.getByTestId('predict-start').click()
    await page.waitForFunction(
      () =>
        ['done', 'failed', 'cancelled'].includes(
          document.querySelector('[data-testid="predict-state"]')?.textContent?.trim() ?? ''
        ),
      undefined,
      { timeout: 120_000 }
    )
    const perr = await page.getByTestId('predict-error').count()
    expect(perr ? await page.getByTestId('predict-error').textContent() : null).toBeNull()
    await expect(page.getByTestId('predict-state').textContent()).resolves.toBe('done')
    await page
      .getByTestId('result-row')
      .nth(IDS.length - 1)
      .waitFor()
    const masks = (await readdir(join(out, 'masks'))).filter((f) => f.endsWith('.png'))
    expect(masks.sort()).toEqual(IDS.map((id) => `${id}.png`).sort())
    expect(existsSync(join(out, 'counts.csv'))).toBe(true)
    const counts = await page.getByTestId('result-count').allTextContents()
    expect(counts).toHaveLength(IDS.length)
    for (const c of counts) expect(Number(c)).toBeGreaterThanOrEqual(0)
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="result-row"] img').length > 0
    )
    await shot(page, 'app-predicted')
    expect(browser.errors).toEqual([])
  })
  it('trains the learned instance target chosen in the panel, with its touching weight, on 3 images', async () => {
    const { host, browser, dsb } = session
    const { page } = browser
    await openApp(page, host)
    await openDataset(page, dsb)
    await page.getByTestId('tab-train').click()
    await expect(page.getByTestId('train-label-type').textContent()).resolves.toBe('Instances')
    await expect(page.getByTestId('train-separation').inputValue()).resolves.toBe('after')
    expect(await page.getByTestId('train-touchWeight').count()).toBe(0)
    expect(await page.getByTestId('train-loss').count()).toBe(1)
    await page.getByTestId('train-separation').selectOption('boundary')
    await page.getByTestId('train-learned-note').waitFor()
    expect(await page.getByTestId('train-loss').count()).toBe(0)
    expect(await page.getByTestId('train-distanceCap').count()).toBe(0)
    await page.getByTestId('train-separation').selectOption('both')
    await page.getByTestId('train-distanceCap').waitFor()
    await page.getByTestId('train-touchWeight').fill('0')
    expect(await page.getByTestId('train-touchSigma').count()).toBe(0)
    await page.getByTestId('train-touchWeight').fill('5')
    await page.getByTestId('train-touchSigma').fill('-1')
    await expect(
      page.locator('[data-testid="train-labels"] [role="alert"]').textContent()
    ).resolves.toContain('Touching fade (px) must be more than 0')
    await page.getByTestId('train-touchSigma').fill('4')
    for (const [id, value] of Object.entries(TINY)) await page.getByTestId(id).fill(value)
    // a trial run on part of the dataset, without previews
    await page.getByTestId('train-more-toggle').click()
    await page.getByTestId('train-limit').fill('-2')
    await expect(page.getByTestId('train-more').textContent()).resolves.toContain(
      'Images used must be at least 0'
    )
    await page.getByTestId('train-limit').fill('3')
    await page.getByTestId('train-previews').fill('0')
    await shot(page, 'app-train-instances')
    await page.getByTestId('train-start').click()
    const state = await stateIs(page, 'train-state', ['done', 'failed', 'stopped'])
    const err = await page.getByTestId('train-error').count()
    expect(err ? await page.getByTestId('train-error').textContent() : null).toBeNull()
    expect(state).toBe('done')
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()
    const config = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8'))
    expect([config.target, config.separation, config.touchWeight, config.touchSigma]).toEqual([
      'instances',
      'both',
      5,
      4
    ])
    expect([config.limit, config.previews]).toEqual([3, 0])
    expect(config.split.train.length + config.split.val.length).toBe(3)
    expect(await page.locator('[data-testid="train-previews"] canvas').count()).toBe(0)
    await page.getByTestId('train-separation').selectOption('after')
    expect(await page.getByTestId('train-learned-note').count()).toBe(0)
    expect(await page.getByTestId('train-loss').count()).toBe(1)
    expect(browser.errors).toEqual([])
  })
})
