import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DSB_SAMPLES, openApp, shot, stateIs, useAppSession } from './support'

const IDS = DSB_SAMPLES.slice(0, 3)

describe('app: stop a training run and resume it', () => {
  const session = useAppSession(IDS, { openAtStart: true })

  it('stops after the first epoch, resumes from the checkpoint and finishes all epochs', async () => {
    const { host, browser } = session
    const { page } = browser
    await openApp(page, host)
    await page
      .getByTestId('sample-row')
      .nth(IDS.length - 1)
      .waitFor()
    // Enough epochs that the stop lands before the end: a tiny epoch can take well under a second.
    const EPOCHS = 20
    const settings = {
      size: '32',
      base: '4',
      depth: '2',
      epochs: String(EPOCHS),
      patches: '8',
      batch: '4'
    }
    for (const [k, v] of Object.entries(settings)) await page.getByTestId(`train-${k}`).fill(v)
    await page.getByTestId('train-start').click()
    await page
      .locator('[data-testid="chart-epochs"] li')
      .first()
      .waitFor({ state: 'attached', timeout: 120_000 })
    await page.getByTestId('train-stop').click()
    await expect(
      stateIs(page, 'train-state', ['stopped', 'done', 'failed'], 120_000)
    ).resolves.toBe('stopped')
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()
    const before = (await readFile(join(runDir, 'log.csv'), 'utf8')).trim().split('\n').length - 1
    expect(before).toBeGreaterThanOrEqual(1)
    expect(before).toBeLessThan(EPOCHS)

    const resume = page.getByTestId('train-resume')
    await expect(resume.textContent()).resolves.toMatch(
      new RegExp(`^\\s*Resume \\(${before}/${EPOCHS}\\)\\s*$`)
    )
    await expect(resume.getAttribute('title')).resolves.toBe(
      `Continue ${runDir} from its last checkpoint`
    )
    await resume.click()
    await expect(
      stateIs(page, 'train-state', ['done', 'stopped', 'failed'], 120_000)
    ).resolves.toBe('done')
    const epochs = await page
      .locator('[data-testid="chart-epochs"] li')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-epoch'))))
    const all = Array.from({ length: EPOCHS }, (_, i) => i + 1)
    expect(epochs).toEqual(all)
    const log = (await readFile(join(runDir, 'log.csv'), 'utf8')).trim().split('\n')
    expect(log.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(all)
    await shot(page, 'app-resumed')
    expect(browser.errors).toEqual([])
  })
})
