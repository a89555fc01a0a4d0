import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DSB_SAMPLES, openApp, openDataset, shot, useAppSession } from './support'

const IDS = DSB_SAMPLES.slice(0, 4)

describe('app: open a DSB2018 folder and merge its instance masks', () => {
  const session = useAppSession(IDS)

  it('shows host info, lists the samples with badges and merges to images/ + masks/', async () => {
    const { host, browser, dsb } = session
    const { page } = browser
    await openApp(page, host)
    await expect(page.getByTestId('host-info').textContent()).resolves.toContain('web')
    await shot(page, 'app-empty')

    await openDataset(page, dsb)
    const ids = await page
      .getByTestId('sample-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
    expect(ids.sort()).toEqual([...IDS].sort())
    const badges = await page
      .locator('[data-status]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))
    expect(badges).toEqual(IDS.map(() => 'labelled'))
    await page.getByTestId('editor-canvas').and(page.locator('[data-ready="true"]')).waitFor()
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="sample-row"] img')].length > 0
    )
    await shot(page, 'app-dataset')
    await page.getByTestId('view-grid').click()
    await page
      .getByTestId('sample-tile')
      .nth(IDS.length - 1)
      .waitFor()
    await shot(page, 'app-grid')
    await page.getByTestId('view-list').click()

    await page.getByTestId('tab-merge').click()
    await page.getByTestId('merge-start').click()
    await page.getByTestId('merge-open').waitFor({ timeout: 60_000 })
    await expect(page.getByTestId('merge-state').textContent()).resolves.toBe('done')
    const out = (await page.getByTestId('merge-out').textContent())!.trim()
    await shot(page, 'app-merged')
    const images = (await readdir(join(out, 'images'))).filter((f) => f.endsWith('.png'))
    const masks = (await readdir(join(out, 'masks'))).filter((f) => f.endsWith('.png'))
    expect(images).toHaveLength(IDS.length)
    expect(masks).toHaveLength(IDS.length)

    await page.getByTestId('merge-open').click()
    await page.waitForFunction(
      (o) =>
        (document.querySelector('[data-testid="dataset-path"]') as HTMLInputElement)?.value === o,
      out
    )
    await page
      .getByTestId('sample-row')
      .nth(IDS.length - 1)
      .waitFor()
    expect(browser.errors).toEqual([])
  })
})
