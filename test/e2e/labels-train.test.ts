/**
 * Label types reach training, end to end on temp copies of the shared data: CamVid trains as
 * multi-class with per-class IoU in the charts and log.csv, and a binary run on its class masks is
 * refused by name; ISBI's inverted target shows in the patch preview and is what the run learns; a
 * run on ISBI keeps its panel while CamVid opens, and Train is on CamVid once it ends.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readImage } from '../../src-main/data/image-io'
import type { WebHost } from '../../src-main/web-host'
import {
  copyFlatDataset,
  launchBrowser,
  makeTemp,
  openApp,
  openDataset,
  removeTemp,
  shot,
  startHost,
  stateIs,
  type Browser
} from './support'

const CAMVID_STEMS = ['0001TP_006840', '0001TP_007140', '0001TP_007440', '0001TP_007740']
const ISBI_STEMS = ['0', '1', '2', '3']
const TINY: Record<string, string> = {
  'train-size': '32',
  'train-base': '4',
  'train-depth': '2',
  'train-epochs': '1',
  'train-patches': '2',
  'train-batch': '4',
  'train-val': '0.25'
}

let tmp: string
let host: WebHost
let browser: Browser
let camvid: string
let isbi: string

async function trainTiny(page: Page): Promise<string> {
  for (const [id, value] of Object.entries(TINY)) await page.getByTestId(id).fill(value)
  await page.getByTestId('train-start').click()
  return stateIs(page, 'train-state', ['done', 'failed', 'stopped'], 180_000)
}

beforeAll(async () => {
  tmp = await makeTemp()
  camvid = await copyFlatDataset(tmp, 'camvid-segnet', CAMVID_STEMS)
  isbi = await copyFlatDataset(tmp, 'isbi2012-em', ISBI_STEMS)
  host = await startHost(null)
  browser = await launchBrowser()
  await browser.page.setViewportSize({ width: 1920, height: 1080 })
  await openApp(browser.page, host)
})
afterAll(async () => {
  await browser?.close()
  await host?.close()
  await removeTemp(tmp)
})

describe('label types in training', () => {
  it('CamVid: a one-epoch multi-class run reports per-class IoU; a binary run is refused by name', async () => {
    const { page } = browser
    await openDataset(page, camvid, CAMVID_STEMS[0])
    await page.getByTestId('tab-train').click()
    await expect(page.getByTestId('train-label-type').textContent()).resolves.toBe('Multi-class')
    const losses = await page.locator('[data-testid="train-loss"] option').allTextContents()
    expect(losses.map((l) => l.trim())).toEqual(['Cross-entropy', 'Focal', 'Dice'])
    expect(await trainTiny(page)).toBe('done')
    expect(await page.getByTestId('train-error').count()).toBe(0)
    const table = await page.locator('[data-testid="per-class-iou"] th').allTextContents()
    expect(table.slice(0, 3)).toEqual(['Sky', 'Building', 'Pole'])
    expect(table).toHaveLength(11)
    await page.getByTestId('chart-per-class').waitFor()
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()
    const config = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8'))
    expect(config).toMatchObject({ classes: 11, ignoreIndex: 11, loss: 'ce' })
    const [header, row] = (await readFile(join(runDir, 'log.csv'), 'utf8')).trim().split('\n')
    expect(header).toMatch(/val_iou_0,val_iou_1,.*val_iou_10$/)
    expect(row.split(',')).toHaveLength(header.split(',').length)
    await shot(page, 'labels-camvid-trained')

    // Evaluate names the classes as the class panel does, not by index
    await page.getByTestId('tab-evaluate').click()
    await page.getByTestId('eval-target-val').check()
    await page.getByTestId('eval-start').click()
    await page.getByTestId('eval-table').waitFor({ timeout: 120_000 })
    const named = await page.getByTestId('eval-class-name').allTextContents()
    expect(named.slice(0, 3)).toEqual(['Sky', 'Building', 'Pole'])
    expect(named).toHaveLength(11)
    await shot(page, 'labels-camvid-evaluated')

    // Predict: what a multi-class model does not use is off (threshold, objects, splitting)
    await page.getByTestId('tab-predict').click()
    await page.locator(`[data-testid="predict-models"] [data-path="${runDir}"]`).click()
    await page.getByTestId('predict-advanced-toggle').click()
    for (const id of ['predict-threshold', 'predict-minSize', 'predict-split', 'predict-h'])
      await expect(page.getByTestId(id).isDisabled()).resolves.toBe(true)
    // ...and shows nothing that would apply: empty fields, unticked boxes
    await expect(page.getByTestId('predict-minScore').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('predict-minScore').inputValue()).resolves.toBe('')
    await expect(page.getByTestId('predict-minScore').getAttribute('placeholder')).resolves.toBe(
      'not used'
    )
    for (const id of ['predict-instances', 'predict-split'])
      await expect(page.getByTestId(id).isChecked()).resolves.toBe(false)
    await expect(page.getByTestId('predict-tile').isDisabled()).resolves.toBe(false)
    await shot(page, 'labels-camvid-predict-fields')
    await page.getByTestId('tab-train').click()

    await page.getByTestId('label-kind-binary').click()
    await expect.poll(() => page.getByTestId('train-label-type').textContent()).toBe('Binary')
    expect(await trainTiny(page)).toBe('failed')
    await expect(page.getByTestId('train-error').textContent()).resolves.toMatch(
      /masks hold class indices 0\.\.11, but this run is binary \(loss "bce-dice"/
    )
    await page.getByTestId('label-kind-classes').click()
    await expect.poll(() => page.getByTestId('train-label-type').textContent()).toBe('Multi-class')
  })

  it('ISBI: "invert mask" makes the previewed target the membranes, and the run learns them', async () => {
    const { page } = browser
    await openDataset(page, isbi, '0')
    await page.getByTestId('tab-train').click()
    await page.getByTestId('augment-toggle').click()
    await page.getByTestId('augment-preview-show').click()
    await page.getByTestId('preview-patch').first().waitFor()
    const shares = async () =>
      (
        await page
          .getByTestId('preview-patch')
          .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-foreground-share'))))
      ).reduce((a, b) => a + b, 0) / 4
    expect(await shares()).toBeGreaterThan(0.6)
    await page.getByTestId('train-invert').check()
    await expect.poll(shares, { timeout: 20_000 }).toBeLessThan(0.4)
    await shot(page, 'labels-isbi-invert-preview')
    await page.getByTestId('train-patches').fill('2')
    expect(await trainTiny(page)).toBe('done')
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()
    const config = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8'))
    expect(config.invertMask).toBe(true)
    expect(config.foreground).toMatch(/dark/)
    // the validation preview's label column is the inverted mask of the validation image
    const preview = await readImage(join(runDir, 'previews', 'epoch-001.png'))
    const mask = await readImage(join(isbi, 'masks', `${config.split.val[0]}.png`))
    const w = preview.width / 3
    const tile = (x: number, y: number) => preview.data[(y * preview.width + w + x) * 3] > 127
    const fits = (inverted: boolean) => {
      for (let oy = 0; oy + w <= mask.height; oy++)
        for (let ox = 0; ox + w <= mask.width; ox++) {
          let ok = true
          for (let y = 0; y < w && ok; y++)
            for (let x = 0; x < w && ok; x++) {
              const fg = mask.data[(oy + y) * mask.width + ox + x] > 0
              ok = tile(x, y) === (inverted ? !fg : fg)
            }
          if (ok) return true
        }
      return false
    }
    expect(fits(true)).toBe(true)
    expect(fits(false)).toBe(false)

    // Predict says when a model was trained on other images than these (colour CamVid, grey ISBI)
    await page.getByTestId('tab-predict').click()
    await page.locator(`[data-testid="predict-models"] [data-path="${runDir}"]`).click()
    await expect(page.getByTestId('predict-channels').count()).resolves.toBe(0)
    await page
      .locator('[data-testid="predict-models"] [data-path*="camvid-segnet"]')
      .first()
      .click()
    await expect(page.getByTestId('predict-channels').textContent()).resolves.toMatch(
      /trained on colour images; these are greyscale and will be converted to colour/
    )
  })

  it('a run keeps its panel while another dataset opens; when it ends, Train is on the open dataset', async () => {
    const { page } = browser
    await openDataset(page, isbi, '0')
    await page.getByTestId('tab-train').click()
    for (const [id, value] of Object.entries(TINY)) await page.getByTestId(id).fill(value)
    await page.getByTestId('train-epochs').fill('500')
    await page.getByTestId('train-start').click()
    await stateIs(page, 'train-state', ['running'], 60_000)
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()
    expect(runDir.startsWith(`${isbi}/`)).toBe(true)

    await openDataset(page, camvid, CAMVID_STEMS[0])
    await page.getByTestId('tab-train').click()
    await expect(page.getByTestId('train-data').inputValue()).resolves.toBe(isbi)
    await expect(page.getByTestId('train-state').textContent()).resolves.toBe('running')
    await shot(page, 'labels-switch-while-training')

    await page.getByTestId('train-stop').click()
    await expect
      .poll(() => page.getByTestId('train-data').inputValue(), { timeout: 60_000 })
      .toBe(camvid)
    await expect(page.getByTestId('train-state').count()).resolves.toBe(0)
    await expect(page.getByTestId('train-label-type').textContent()).resolves.toBe('Multi-class')
    const runs = () =>
      page.getByTestId('run-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))
    await expect.poll(runs).not.toContain(runDir)
    expect((await runs()).every((r) => r?.startsWith(`${camvid}/`))).toBe(true)
    await shot(page, 'labels-switch-after-run')
    // the stopped run is on disk with the ISBI dataset's runs
    const config = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8'))
    expect(config.data).toBe(isbi)
  })
})
