/**
 * A new user segments nuclei with no training, through the web host in Chromium: the shipped
 * "Nuclei (DSB2018)" model is picked in Predict, its chosen post-processing shows where the
 * fields are left empty and reaches prediction.json, a value typed by the user overrides it, and
 * an evaluation shows the prediction outlined over the image.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  DATASETS,
  DSB_SAMPLES,
  openApp,
  openDataset,
  ROOT,
  shots,
  stateIs,
  useAppSession
} from './support'

const SHOTS = '/tmp/shots-nuclei'
const NUCLEI = join(ROOT, 'resources/models/nuclei')

/** The element is on screen (1024×700): the panel scrolled it into view once it was there. */
async function expectInView(page: Page, testid: string): Promise<void> {
  await expect
    .poll(async () => {
      const box = await page.getByTestId(testid).boundingBox()
      return box !== null && box.y > 0 && box.y + box.height <= 700
    })
    .toBe(true)
}

describe('app: nuclei with the shipped model, no training', () => {
  const session = useAppSession(DSB_SAMPLES.slice(0, 4), { builtins: true })

  it('predicts with the model’s chosen post-processing, overrides it, and outlines an evaluation', async () => {
    const { host, browser, dsb } = session
    const { page } = browser
    const chosen = JSON.parse(await readFile(join(NUCLEI, 'config.json'), 'utf8')).postprocess
    expect(chosen).toMatchObject({
      threshold: expect.any(Number),
      minSize: expect.any(Number),
      minScore: expect.any(Number),
      h: expect.any(Number),
      tta: expect.any(Boolean)
    })
    await openApp(page, host)
    await openDataset(page, dsb, DSB_SAMPLES[0])
    await page.getByTestId('tab-predict').click()
    const entry = page.locator(`[data-testid="predict-models"] [data-path="${NUCLEI}"]`)
    await expect(entry.textContent()).resolves.toMatch(/Nuclei \(DSB2018\).* 60 ep/)
    await entry.click()
    await expect(page.getByTestId('predict-threshold').getAttribute('placeholder')).resolves.toBe(
      `${chosen.threshold} (model)`
    )
    await expect(page.getByTestId('predict-minSize').getAttribute('placeholder')).resolves.toBe(
      `${chosen.minSize} (model)`
    )
    await expect(page.getByTestId('predict-minScore').getAttribute('placeholder')).resolves.toBe(
      `${chosen.minScore} (model)`
    )
    await page.getByTestId('predict-advanced-toggle').click()
    await expect(page.getByTestId('predict-h').getAttribute('placeholder')).resolves.toBe(
      `${chosen.h} (model)`
    )
    // the box shows the model's test-time augmentation, and says it is the model's choice
    await expect(page.getByTestId('predict-tta').isChecked()).resolves.toBe(chosen.tta)
    await expect(
      page.locator('label', { has: page.getByTestId('predict-tta') }).getAttribute('title')
    ).resolves.toMatch(new RegExp(`; ${chosen.tta ? 'on' : 'off'} as chosen for this model`))
    // on a small screen with every option open, Predict stays in view without scrolling
    const size = page.viewportSize()!
    await page.setViewportSize({ width: 1024, height: 700 })
    await shots(page, '00-predict-advanced-1024', SHOTS)
    const button = (await page.getByTestId('predict-start').boundingBox())!
    expect(button.y + button.height).toBeLessThanOrEqual(700)
    expect(button.y).toBeGreaterThan(0)
    await page.getByTestId('predict-start').click()
    await expect(stateIs(page, 'predict-state', ['done', 'failed', 'cancelled'])).resolves.toBe(
      'done'
    )
    await expectInView(page, 'predict-objects-made-by')
    await page.setViewportSize(size)
    const out = `${dsb}-predictions`
    const record = async () => JSON.parse(await readFile(join(out, 'prediction.json'), 'utf8'))
    expect(await record()).toMatchObject({
      model: { path: NUCLEI, name: 'Nuclei (DSB2018)', labelType: 'binary' },
      settings: {
        threshold: chosen.threshold,
        minSize: chosen.minSize,
        minScore: chosen.minScore,
        h: chosen.h,
        tta: chosen.tta
      },
      result: { images: 4, done: 4 }
    })
    // the results say how their objects were made
    await expect(page.getByTestId('predict-objects-made-by').textContent()).resolves.toContain(
      `min object ${chosen.minSize} px · min object score ${chosen.minScore} · split peak h ${chosen.h} px`
    )
    const objects = (await record()).result.objects as number
    expect(objects).toBeGreaterThan(4 * 5)
    // these images have labels of their own: a row says it opens that label, not the prediction
    await expect(page.getByTestId('result-row').first().getAttribute('title')).resolves.toMatch(
      /has a label of its own/
    )
    await shots(page, '01-predicted-with-nuclei', SHOTS)

    // a value typed in overrides the model's choice, and makes more (smaller) objects
    await page.getByTestId('predict-minSize').fill('1')
    await page.getByTestId('predict-minSize').press('Tab')
    await page.getByTestId('predict-start').click()
    await expect(stateIs(page, 'predict-state', ['done', 'failed', 'cancelled'])).resolves.toBe(
      'done'
    )
    expect((await record()).settings).toMatchObject({ minSize: 1, threshold: chosen.threshold })
    expect((await record()).result.objects).toBeGreaterThanOrEqual(objects)

    // a floor of 0.99 on the objects' mean probability drops nearly all of them; on a small
    // screen the outcome is scrolled into view below Predict
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.getByTestId('predict-minScore').fill('0.99')
    await page.getByTestId('predict-minScore').press('Tab')
    await page.getByTestId('predict-start').click()
    await expect(stateIs(page, 'predict-state', ['done', 'failed', 'cancelled'])).resolves.toBe(
      'done'
    )
    await expectInView(page, 'predict-objects-made-by')
    await shots(page, '01a-floor-0.99', SHOTS)
    await page.setViewportSize(size)
    expect((await record()).settings).toMatchObject({ minSize: 1, minScore: 0.99 })
    expect((await record()).result.objects).toBeLessThan(objects / 2)
    await expect(page.getByTestId('predict-objects-made-by').textContent()).resolves.toContain(
      'min object 1 px · min object score 0.99'
    )
    await page.getByTestId('predict-minScore').fill('')
    await page.getByTestId('predict-minScore').press('Tab')

    // a binary model has no seed level; a value out of range is flagged and nothing starts
    await expect(page.getByTestId('predict-seedLevel').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('predict-h').isDisabled()).resolves.toBe(false)
    const written = await readFile(join(out, 'prediction.json'), 'utf8')
    await page.getByTestId('predict-threshold').fill('1.5')
    await page.getByTestId('predict-threshold').press('Tab')
    await expect(page.getByTestId('predict-threshold').getAttribute('aria-invalid')).resolves.toBe(
      'true'
    )
    await expect(page.getByTestId('predict-start').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('predict-threshold-problem').textContent()).resolves.toBe(
      'Threshold must be at most 1'
    )
    await expect(page.getByTestId('predict-blocked').textContent()).resolves.toMatch(
      /^\s*Threshold must be at most 1\s*$/
    )
    await expect(page.getByTestId('result-row').count()).resolves.toBe(4)
    await shots(page, '01b-threshold-out-of-range', SHOTS)
    await page.getByTestId('predict-threshold').fill('')
    await page.getByTestId('predict-threshold').press('Tab')
    await expect(page.getByTestId('predict-start').isEnabled()).resolves.toBe(true)
    expect(await readFile(join(out, 'prediction.json'), 'utf8')).toBe(written)

    // Evaluate: the worst image opens with the prediction outlined as a fourth panel
    await page.getByTestId('tab-evaluate').click()
    await page.locator(`[data-testid="eval-models"] [data-path="${NUCLEI}"]`).click()
    // its training images are not here: the validation split is off, a folder is chosen
    await expect(page.getByTestId('eval-target-val').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('eval-target-folder').isChecked()).resolves.toBe(true)
    await page.getByTestId('eval-start').click()
    await page.getByTestId('eval-table').waitFor({ timeout: 120_000 })
    await page.getByTestId('eval-row').first().click()
    await page.getByTestId('eval-compare').waitFor()
    await page.locator('[data-testid="eval-compare"][data-drawn]').waitFor()
    await expect(
      page.locator('[data-testid="eval-compare"] figcaption').allTextContents()
    ).resolves.toEqual(['Original', 'Prediction', 'Label', 'Prediction outlined'])
    // the fourth panel is the original with the prediction's outlines: its objects' edges differ, most pixels do not
    const outlined = await page.evaluate(() => {
      const pixels = (i: number) => {
        const c = document.querySelector(`[data-testid="eval-panel-${i}"]`) as HTMLCanvasElement
        return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      }
      const [a, b] = [pixels(0), pixels(3)]
      let differ = 0
      for (let i = 0; i < a.length; i += 4)
        if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) differ++
      return { differ, total: a.length / 4 }
    })
    expect(outlined.differ).toBeGreaterThan(0)
    expect(outlined.differ).toBeLessThan(outlined.total / 2)
    await shots(page, '02-eval-outlined', SHOTS)
    await page.keyboard.press('Escape')
    await page.getByTestId('eval-compare').waitFor({ state: 'detached' })
    // the shipped model's folder is never written to: its evaluations go to the app data folder
    expect(existsSync(join(NUCLEI, 'eval'))).toBe(false)
    const evals = join(host.library.dir, 'evals', `nuclei-all-${basename(dsb)}`)
    expect(existsSync(join(evals, 'eval.json'))).toBe(true)
    expect(browser.errors).toEqual([])
  })

  it('shows a new prediction in the image open in the editor, without reopening it', async () => {
    const { host, browser, temp } = session
    const { page } = browser
    const folder = join(temp, 'images-only')
    await mkdir(folder)
    const ids = DSB_SAMPLES.slice(4, 6)
    for (const id of ids)
      await cp(
        join(DATASETS, 'dsb2018/stage1_train', id, 'images', `${id}.png`),
        join(folder, `${id}.png`)
      )
    await openApp(page, host)
    await openDataset(page, folder, ids[0])
    await page.locator(`[data-testid="sample-row"][data-id="${ids[0]}"]`).click()
    await page
      .locator(`[data-testid="editor-canvas"][data-ready="true"][data-sample="${ids[0]}"]`)
      .waitFor({ timeout: 30_000 })
    await expect(page.getByTestId('label-predicted').count()).resolves.toBe(0)
    await page.getByTestId('tab-predict').click()
    await page.locator(`[data-testid="predict-models"] [data-path="${NUCLEI}"]`).click()
    await page.getByTestId('predict-start').click()
    await expect(stateIs(page, 'predict-state', ['done', 'failed', 'cancelled'])).resolves.toBe(
      'done'
    )
    // the open image now shows its prediction as an editable label, still the same image
    await page.getByTestId('label-predicted').waitFor({ timeout: 30_000 })
    await page
      .locator(`[data-testid="editor-canvas"][data-ready="true"][data-sample="${ids[0]}"]`)
      .waitFor()
    await shots(page, '03-open-image-shows-prediction', SHOTS)
    // nothing here is labelled (predictions are not labels): Evaluate says so before any click
    await page.getByTestId('tab-evaluate').click()
    await page.getByTestId('eval-target-folder').check()
    await expect(page.getByTestId('eval-folder').inputValue()).resolves.toBe(folder)
    await expect(page.getByTestId('eval-start').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('eval-blocked').textContent()).resolves.toMatch(
      /No image in this folder has a label/
    )
    // nothing to learn from: Train is off, and the top of its panel says why (on screen at 1024×700)
    await page.getByTestId('tab-train').click()
    await expect(page.getByTestId('train-start').isDisabled()).resolves.toBe(true)
    await expect(page.getByTestId('train-no-labels').textContent()).resolves.toMatch(
      /Nothing to learn from yet: 0 of 2 images here have a label, and training needs at least 2/
    )
    const size = page.viewportSize()!
    await page.setViewportSize({ width: 1024, height: 700 })
    await expectInView(page, 'train-no-labels')
    await shots(page, '04-nothing-to-train-on', SHOTS)
    await page.setViewportSize(size)
    expect(browser.errors).toEqual([])
  })
})
