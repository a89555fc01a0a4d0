/**
 * Evaluate through the web host in Chromium: the model is preselected and shared with Predict,
 * the tab and the choice survive a reload, test-time augmentation reaches the report, the panel
 * fits 1024 wide, another dataset resets the scores, and a binary model is refused by name on CamVid's class-index masks.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { runEvaluation } from '../../src-main/engine/eval/run-eval'
import { trainRun } from '../../src-main/engine/train/train-run'
import { copyFlatDataset, DSB_SAMPLES, openApp, openDataset, shot, useAppSession } from './support'

const SHOTS = '/tmp/shots-walkfix'
const CAMVID = ['0001TP_006840', '0001TP_007140']

/** The model entry of a library list that is marked as the one in use, if any. */
function chosen(page: Page, list: string) {
  return page.locator(`[data-testid="${list}"] [data-testid="model-entry"].on`)
}

describe('app: evaluate with the model chosen for the dataset', () => {
  const session = useAppSession(DSB_SAMPLES.slice(0, 4))

  it('preselects, remembers, fits 1024 wide, resets on a switch and refuses misfit labels', async () => {
    const { host, browser, dsb, temp } = session
    const { page } = browser
    const run = join(dsb, '.unet-studio', 'runs', 'tiny')
    const tiny = { size: 32, base: 4, depth: 2, batch: 2, patches: 2 }
    await trainRun({ ...tiny, data: dsb, out: run, epochs: 1, val: 0.5 })
    await host.library.record(run, 'trained')
    const camvid = await copyFlatDataset(temp, 'camvid-segnet', CAMVID)

    // the only model that fits is chosen in Evaluate and Predict without a click
    await openApp(page, host)
    await openDataset(page, dsb, DSB_SAMPLES[0])
    await page.getByTestId('tab-evaluate').click()
    await expect(chosen(page, 'eval-models').getAttribute('data-path')).resolves.toBe(run)
    await expect(page.getByTestId('eval-start').isEnabled()).resolves.toBe(true)
    await page.getByTestId('eval-target-folder').check()
    await expect(page.getByTestId('eval-folder').inputValue()).resolves.toBe(dsb)
    await page.getByTestId('eval-target-val').check()

    // a reload comes back on Evaluate with the same model
    await page.reload()
    await page.getByTestId('host-info').waitFor()
    await page.locator(`[data-testid="sample-row"][data-id="${DSB_SAMPLES[0]}"]`).waitFor()
    await expect(page.getByTestId('evaluate-panel').isVisible()).resolves.toBe(true)
    await expect(chosen(page, 'eval-models').getAttribute('data-path')).resolves.toBe(run)

    // scores fit the panel at 1024 wide; a row click does not shift it sideways
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.getByTestId('eval-tta').check()
    await page.getByTestId('eval-start').click()
    await page.getByTestId('eval-table').waitFor({ timeout: 120_000 })
    // test-time augmentation reached the engine: the report says so, with the CLI's figures
    const saved = JSON.parse(
      await readFile(join(run, 'eval', `val-${basename(dsb)}`, 'eval.json'), 'utf8')
    )
    expect(saved.tta).toBe(true)
    const cli = await runEvaluation({ model: run, split: 'val', tta: true })
    await expect(page.getByTestId('eval-iou').textContent()).resolves.toBe(cli.iou.toFixed(3))
    await expect(page.getByTestId('eval-summary').textContent()).resolves.toContain(
      'test-time augmentation'
    )
    await expect(page.getByTestId('eval-postprocess').textContent()).resolves.toMatch(
      /objects: threshold [\d.]+ · min object \d+ px · split peak h [\d.]+ px/
    )
    const body = page.locator('.side .body')
    const widths = () =>
      body.evaluate((el) => ({
        scroll: el.scrollWidth,
        client: el.clientWidth,
        left: el.scrollLeft
      }))
    const before = await widths()
    expect(before.scroll).toBeLessThanOrEqual(before.client)
    const objects = await page.locator('[data-testid="eval-table"] th').last().boundingBox()
    const panel = await body.boundingBox()
    expect(objects!.x + objects!.width).toBeLessThanOrEqual(panel!.x + panel!.width)
    await page.getByTestId('eval-row').first().click()
    await page.getByTestId('eval-compare').waitFor()
    expect((await widths()).left).toBe(0)
    await shot(page, '01-eval-done-1024x700', SHOTS)
    await page.getByTestId('eval-compare-close').click()
    // a reload shows the same scores again, without evaluating anew
    const iou = await page.getByTestId('eval-iou').textContent()
    const rows = await page.getByTestId('eval-row').count()
    await page.reload()
    await page.getByTestId('host-info').waitFor()
    // (1024 wide: the job panel starts folded)
    await page.getByTestId('rail-evaluate').click()
    await page.getByTestId('eval-summary').waitFor()
    await expect(page.getByTestId('eval-iou').textContent()).resolves.toBe(iou)
    await expect(page.getByTestId('eval-row').count()).resolves.toBe(rows)
    await expect(page.getByTestId('eval-state').textContent()).resolves.toBe('done')
    // the post-processing is chosen on these images for this model, saved, and Predict shows it;
    // test-time augmentation unticked is not tried
    await page.getByTestId('tune-tta').uncheck()
    await page.getByTestId('tune-start').click()
    await page.getByTestId('tune-result').waitFor({ timeout: 120_000 })
    const { postprocess } = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'))
    expect(postprocess).toMatchObject({
      threshold: expect.any(Number),
      minSize: expect.any(Number),
      minScore: expect.any(Number),
      h: expect.any(Number),
      tta: false
    })
    await expect(page.getByTestId('tune-result').textContent()).resolves.toMatch(
      new RegExp(
        `on 2 images\\): threshold ${postprocess.threshold} · min object ${postprocess.minSize} px`
      )
    )
    const outcome = (await page.getByTestId('tune-result').boundingBox())!
    expect(outcome.y + outcome.height).toBeLessThanOrEqual(701) // on screen, to a sub-pixel
    await shot(page, '01b-tuned-1024x700', SHOTS)
    await page.getByTestId('tab-predict').click()
    await expect(page.getByTestId('predict-minSize').getAttribute('placeholder')).resolves.toBe(
      `${postprocess.minSize} (model)`
    )
    await page.getByTestId('tab-evaluate').click()
    // the run's figures at 1024 wide: every tile readable, epochs done as Resume counts them
    await page.getByTestId('tab-train').click()
    await page.locator(`[data-testid="run-row"][data-run="${run}"] .pick`).click()
    await expect(page.getByTestId('train-step').textContent()).resolves.toMatch(/1\/1 epochs done/)
    const cut = await page
      .locator('.kpis b')
      .evaluateAll((tiles) => tiles.filter((b) => b.scrollWidth > b.clientWidth).length)
    expect(cut).toBe(0)
    await page.getByTestId('train-state').scrollIntoViewIfNeeded()
    await shot(page, '02-train-tiles-1024x700', SHOTS)
    await page.getByTestId('train-charts').scrollIntoViewIfNeeded()
    await shot(page, '02-train-charts-1024x700', SHOTS)
    await page.getByTestId('tab-predict').click()
    await expect(chosen(page, 'predict-models').getAttribute('data-path')).resolves.toBe(run)
    await page.getByTestId('tab-evaluate').click()

    // another dataset: the scores go, the folder follows it, and no model fits its 12 classes
    await openDataset(page, camvid, CAMVID[0])
    await expect.poll(() => page.getByTestId('eval-summary').count()).toBe(0)
    await expect.poll(() => chosen(page, 'eval-models').count()).toBe(0)
    await expect(page.getByTestId('eval-start').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('eval-blocked').textContent()).resolves.toMatch(
      /No listed model fits these labels/
    )
    await expect(page.getByTestId('eval-start').getAttribute('title')).resolves.toMatch(
      /No listed model fits these labels/
    )
    await shot(page, '03-eval-no-model-1024x700', SHOTS)

    // chosen anyway, the binary model is refused on the class-index masks before scoring
    await page.locator(`[data-testid="eval-models"] [data-path="${run}"]`).click()
    await page.getByTestId('eval-target-folder').check()
    await expect(page.getByTestId('eval-folder').inputValue()).resolves.toBe(camvid)
    // the panel says so before the click
    await expect(page.getByTestId('eval-misfit').textContent()).resolves.toMatch(
      /is a binary model and this dataset's labels are classes: Evaluate will refuse them/
    )
    await page.getByTestId('eval-start').click()
    const error = page.getByTestId('eval-error')
    await error.waitFor()
    await expect(error.textContent()).resolves.toMatch(
      new RegExp(`${camvid}: cannot evaluate ${run} on these labels: the masks hold class indices`)
    )
    expect(existsSync(join(run, 'eval', 'all-camvid-segnet', 'eval.json'))).toBe(false)
    await shot(page, '04-eval-refused-1024x700', SHOTS)
    expect(browser.errors).toEqual([])
  })
})
