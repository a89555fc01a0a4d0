/**
 * The loop a new user runs, through the web host in Chromium on a temp copy of DSB2018: train,
 * reload, pick the model from the library, predict a folder outside the dataset, correct a
 * prediction in the editor, fine-tune from the model, evaluate it (the same figures as the CLI),
 * and reattach to a training job from a reloaded page and a second tab.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { readImage } from '../../src-main/data/image-io'
import { lastJson, runCli } from '../main/commands/cli-run'
import {
  DATASETS,
  DSB_SAMPLES,
  openApp,
  openDataset,
  shots,
  stateIs,
  useAppSession
} from './support'

const SHOTS = '/tmp/shots-loop'
const IDS = DSB_SAMPLES.slice(0, 4)
/** Images of the folder predicted: never seen in training, outside the dataset. */
const NEW = [
  DSB_SAMPLES[4],
  DSB_SAMPLES[5],
  '0287e7ee5b007c91ae2bd7628d09735e70496bc6127ecb7f3dd043e04ce37426'
]
const TINY: Record<string, string> = {
  'train-size': '32',
  'train-base': '4',
  'train-depth': '2',
  'train-epochs': '1',
  'train-patches': '2',
  'train-batch': '4'
}

/** Waits until the editor has drawn sample `id`. */
async function editorShows(page: Page, id: string): Promise<void> {
  await page
    .locator(`[data-testid="editor-canvas"][data-ready="true"][data-sample="${id}"]`)
    .waitFor({ timeout: 30_000 })
}

/** The image pixel under a screen point, from the editor's status bar. */
async function pixelAt(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  await page.mouse.move(x, y)
  const text = (await page.getByTestId('editor-status').textContent()) ?? ''
  const m = /x (\d+) · y (\d+)/.exec(text)
  if (!m) throw new Error(`no cursor position in status bar: ${text}`)
  return { x: Number(m[1]), y: Number(m[2]) }
}

/** Calls a channel on the host over a fresh socket (another client than the page). */
async function callHost(url: string, channel: string, arg: object) {
  const ws = new WebSocket(url)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const reply = await new Promise<{ result?: unknown; error?: string }>((resolve) => {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw))
      if (msg.id === 1) resolve(msg)
    })
    ws.send(JSON.stringify({ id: 1, channel, arg }))
  })
  ws.close()
  return reply
}

describe('app: any model on any folder, corrected, fine-tuned and evaluated', () => {
  const session = useAppSession(IDS)

  it('trains, reloads, predicts a new folder, corrects, fine-tunes and evaluates', async () => {
    const { host, browser, dsb, temp } = session
    const { page } = browser
    const fresh = join(temp, 'new-images')
    await mkdir(fresh)
    for (const id of NEW)
      await cp(
        join(DATASETS, 'dsb2018/stage1_train', id, 'images', `${id}.png`),
        join(fresh, `${id}.png`)
      )

    // 1. train one short epoch, bright-background images inverted (DSB mixes them with fluorescence)
    await openApp(page, host)
    await openDataset(page, dsb)
    await page.getByTestId('tab-train').click()
    for (const [id, value] of Object.entries(TINY)) await page.getByTestId(id).fill(value)
    await page.getByTestId('train-polarity').check()
    // the folded options: fields appear where they apply, bad values are named, all reach the run
    await page.getByTestId('train-more-toggle').click()
    expect(await page.getByTestId('train-momentum').count()).toBe(0)
    await page.getByTestId('train-optimizer').selectOption('sgd')
    await page.getByTestId('train-momentum').fill('1.5')
    await expect
      .poll(() => page.getByTestId('train-more').textContent())
      .toContain('Momentum must be at most 1')
    await expect(page.getByTestId('train-start').getAttribute('title')).resolves.toContain(
      'Momentum must be at most 1'
    )
    await page.getByTestId('train-momentum').fill('0.9')
    await page.getByTestId('train-optimizer').selectOption('adam')
    await page.getByTestId('train-schedule').selectOption('cosine')
    await page.getByTestId('train-minLr').fill('0.0001')
    await page.getByTestId('train-dropout').fill('0.1')
    await page.getByTestId('train-valTiles').fill('8')
    await shots(page, '00-train-more-options', SHOTS)
    await page.getByTestId('train-start').click()
    await expect(stateIs(page, 'train-state', ['done', 'failed', 'stopped'])).resolves.toBe('done')
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()
    const trained = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8'))
    expect(trained).toMatchObject({
      polarity: true,
      normalization: 'per-image-standardize-polarity',
      optimizer: 'adam',
      schedule: 'cosine',
      minLr: 0.0001,
      dropout: 0.1,
      valTiles: 8
    })
    await shots(page, '01-trained', SHOTS)

    // 2. reload: the library lists the model, described
    await page.reload()
    await page.getByTestId('host-info').waitFor()
    await page.getByTestId('tab-predict').click()
    const entry = page.locator(`[data-testid="predict-models"] [data-path="${runDir}"]`)
    await entry.waitFor({ timeout: 30_000 })
    const text = (await entry.textContent()) ?? ''
    expect(text).toContain(`trained on ${dsb}`)
    expect(text).toMatch(/U-Net · binary · 3 ch · 1 ep/)
    expect(text).toMatch(/IoU \d\.\d{3}/)
    await entry.click()
    await shots(page, '02-library-after-reload', SHOTS)

    // 3. choose the input folder in the browser's folder chooser (Escape closes it at once: the
    // dialog takes the focus from the button that opened it)
    await page.getByTestId('predict-input-choose').click()
    await page.getByTestId('folder-chooser').waitFor()
    await page.keyboard.press('Escape')
    await page.getByTestId('folder-chooser').waitFor({ state: 'detached' })
    await page.getByTestId('predict-input-choose').click()
    await page.getByTestId('folder-chooser').waitFor()
    await page.getByTestId('folder-path').fill(temp)
    await page.getByTestId('folder-open').click()
    await page.locator('[data-testid="folder-entry"][data-name="new-images"]').click()
    await shots(page, '03-folder-chooser', SHOTS)
    await page.getByTestId('folder-choose').click()
    await page.getByTestId('folder-chooser').waitFor({ state: 'detached' })
    await expect(page.getByTestId('predict-input').inputValue()).resolves.toBe(fresh)
    await expect(page.getByTestId('predict-out').inputValue()).resolves.toBe(`${fresh}-predictions`)

    // 4. predict it, with a pixel size and test-time augmentation from the advanced settings:
    // masks, instances and prediction.json beside it
    await page.getByTestId('predict-advanced-toggle').click()
    await page.getByTestId('predict-pixelSize').fill('0.5')
    await page.getByTestId('predict-pixelSize').press('Tab')
    await page.getByTestId('predict-tta').check()
    await shots(page, '04a-predict-advanced', SHOTS)
    await page.getByTestId('predict-start').click()
    await expect(stateIs(page, 'predict-state', ['done', 'failed', 'cancelled'])).resolves.toBe(
      'done'
    )
    await page
      .getByTestId('result-row')
      .nth(NEW.length - 1)
      .waitFor()
    const record = JSON.parse(
      await readFile(join(`${fresh}-predictions`, 'prediction.json'), 'utf8')
    )
    expect(record).toMatchObject({
      input: fresh,
      model: { path: runDir, dataset: dsb, labelType: 'binary' },
      settings: { instances: true, threshold: 0.5, pixelSize: 0.5, tta: true },
      result: { images: 3, done: 3 }
    })
    await expect(page.getByTestId('predict-made-by').textContent()).resolves.toContain(
      `v${record.app.version}`
    )
    await shots(page, '04-predicted', SHOTS)

    // 5. a result opens its image with the prediction as an editable label; correct it
    const [first, second, third] = NEW
    await page.locator(`[data-testid="result-row"][data-image="${first}.png"]`).click()
    await editorShows(page, first)
    await page.getByTestId('label-predicted').waitFor()
    await expect(page.getByTestId('dataset-path').inputValue()).resolves.toBe(fresh)
    await shots(page, '05-prediction-in-editor', SHOTS)
    const predicted = await readImage(join(`${fresh}-predictions`, 'instances', `${first}.png`))
    const activeText = await page.getByTestId('active-instance').textContent()
    const active = Number(/#(\d+)/.exec(activeText ?? '')![1])
    const box = (await page.getByTestId('editor-canvas').boundingBox())!
    const from = { x: box.x + box.width * 0.35, y: box.y + box.height * 0.5 }
    const a = await pixelAt(page, from.x, from.y)
    await page.mouse.down()
    for (let k = 1; k <= 10; k++) await page.mouse.move(from.x + 4 * k, from.y + 2 * k)
    await page.mouse.up()
    await page.keyboard.press('Control+s')
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved')
    await shots(page, '06-corrected', SHOTS)
    const corrected = await readImage(join(fresh, '.unet-studio', 'labels', `${first}.png`))
    expect(corrected.bitDepth).toBe(16)
    expect(corrected.data[a.y * corrected.width + a.x]).toBe(active)
    let kept = 0
    for (let i = 0; i < predicted.data.length; i++)
      if (predicted.data[i] && corrected.data[i] === predicted.data[i]) kept++
    expect(kept).toBeGreaterThan(0.5 * predicted.data.filter((v) => v > 0).length)

    // the second is right as predicted: keep it as its label
    await page.locator(`[data-testid="result-row"][data-image="${second}.png"]`).click()
    await editorShows(page, second)
    await page.getByTestId('label-accept').click()
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved')
    expect(existsSync(join(fresh, '.unet-studio', 'labels', `${second}.png`))).toBe(true)

    // 6. the predicted state survives a reload (read back from prediction.json)
    await page.reload()
    await page.getByTestId('host-info').waitFor()
    await openDataset(page, fresh)
    const statuses = await page
      .getByTestId('sample-row')
      .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-id'), r.textContent]))
    expect(statuses.find(([id]) => id === third)?.[1]).toMatch(/predicted/i)
    expect(statuses.find(([id]) => id === first)?.[1]).toMatch(/edited/i)
    await page.locator(`[data-testid="sample-row"][data-id="${third}"]`).click()
    await editorShows(page, third)
    await page.getByTestId('label-predicted').waitFor()
    await page.getByTestId('tab-predict').click()
    await page
      .getByTestId('result-row')
      .nth(NEW.length - 1)
      .waitFor()
    await shots(page, '07-predicted-after-reload', SHOTS)

    // 7. fine-tune one epoch from the model on the corrected images
    await page.getByTestId('tab-train').click()
    await expect(page.getByTestId('train-data').inputValue()).resolves.toBe(fresh)
    for (const id of ['train-epochs', 'train-patches', 'train-batch'])
      await page.getByTestId(id).fill(TINY[id])
    await page.getByTestId('finetune-open').click()
    await page.locator(`[data-testid="finetune-models"] [data-path="${runDir}"]`).click()
    await shots(page, '08-finetune-from', SHOTS)
    await page.getByTestId('finetune-start').click()
    await expect(stateIs(page, 'train-state', ['done', 'failed', 'stopped'])).resolves.toBe('done')
    await expect(page.getByTestId('train-init').textContent()).resolves.toContain(runDir)
    const ftDir = (await page.getByTestId('train-run').textContent())!.trim()
    const ft = JSON.parse(await readFile(join(ftDir, 'config.json'), 'utf8'))
    expect(ft.init).toBe(runDir)
    expect(ft.normalization).toBe('per-image-standardize-polarity')
    expect([...ft.split.train, ...ft.split.val].sort()).toEqual([first, second].sort())
    expect(ft.data).toBe(fresh)
    await shots(page, '09-finetuned', SHOTS)

    // 8. evaluate the first run in the app: the same figures as the CLI
    await page.getByTestId('tab-evaluate').click()
    await page.locator(`[data-testid="eval-models"] [data-path="${runDir}"]`).click()
    await page.getByTestId('eval-start').click()
    await expect(stateIs(page, 'eval-state', ['done', 'failed'])).resolves.toBe('done')
    const shown = {
      iou: await page.getByTestId('eval-iou').textContent(),
      dice: await page.getByTestId('eval-dice').textContent(),
      f1: await page.getByTestId('eval-f1').textContent(),
      ap50: await page.getByTestId('eval-ap50').textContent()
    }
    const cli = await runCli(['eval', '--model', runDir, '--split', 'val', '--json'])
    expect(cli.code).toBe(0)
    const j = lastJson(cli.stdout) as Record<string, number>
    // the panel shows 3 decimals: the CLI's figure rounded the same way (0.0625 shows as 0.063)
    for (const k of ['iou', 'dice', 'f1', 'ap50'] as const) expect(shown[k]).toBe(j[k].toFixed(3))
    const rows = page.getByTestId('eval-row')
    expect(await rows.count()).toBe(j.images)
    await shots(page, '10-evaluated', SHOTS)
    await rows.first().click()
    await page.getByTestId('eval-compare').waitFor()
    await page.locator('[data-testid="eval-compare"][data-drawn]').waitFor()
    await shots(page, '11-side-by-side', SHOTS)
    await page.getByTestId('eval-compare-close').click()
    expect(browser.errors).toEqual([])
  })

  it('reattaches a reloaded page and a second tab to a running training; no second trainer', async () => {
    const { host, browser, dsb } = session
    const { page } = browser
    await openDataset(page, dsb)
    await page.getByTestId('tab-train').click()
    const long = { ...TINY, 'train-epochs': '60', 'train-patches': '8' }
    for (const [id, value] of Object.entries(long)) await page.getByTestId(id).fill(value)
    await page.getByTestId('train-start').click()
    await page
      .locator('[data-testid="chart-epochs"] li')
      .first()
      .waitFor({ state: 'attached', timeout: 120_000 })
    const runDir = (await page.getByTestId('train-run').textContent())!.trim()

    await page.reload()
    await page.getByTestId('host-info').waitFor()
    await page.getByTestId('tab-train').click()
    await expect(stateIs(page, 'train-state', ['running'], 30_000)).resolves.toBe('running')
    await expect(page.getByTestId('train-run').textContent()).resolves.toBe(runDir)
    await page
      .locator('[data-testid="chart-epochs"] li')
      .first()
      .waitFor({ state: 'attached', timeout: 30_000 })
    const epochsShown = await page.locator('[data-testid="chart-epochs"] li').count()
    expect(epochsShown).toBeGreaterThanOrEqual(1)
    await expect(page.getByTestId('train-resume').isDisabled()).resolves.toBe(true)
    await page.locator(`[data-run="${runDir}"] [data-testid="run-training"]`).waitFor()
    await shots(page, '12-reloaded-during-training', SHOTS)

    // a second tab follows the same job
    const tab = await browser.context.newPage()
    await openApp(tab, host)
    await tab.getByTestId('tab-train').click()
    await expect(stateIs(tab, 'train-state', ['running'], 30_000)).resolves.toBe('running')
    await expect(tab.getByTestId('train-run').textContent()).resolves.toBe(runDir)
    await tab.screenshot({ path: join(SHOTS, '13-second-tab.png') })

    // no second trainer on that run, whoever asks
    const wsUrl = `ws://127.0.0.1:${host.port}/ws?token=${host.token}`
    const resumed = await callHost(wsUrl, 'train:resume', { runDir })
    expect(resumed.error).toMatch(`run ${runDir} is being trained by job`)

    // the charts keep filling in both pages, and Stop works from the reloaded one
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="chart-epochs"] li').length > n,
      epochsShown,
      { timeout: 60_000 }
    )
    await page.getByTestId('train-stop').click()
    await expect(stateIs(page, 'train-state', ['stopped', 'done', 'failed'])).resolves.toBe(
      'stopped'
    )
    await expect(stateIs(tab, 'train-state', ['stopped', 'done', 'failed'])).resolves.toBe(
      'stopped'
    )
    await expect.poll(() => page.getByTestId('train-resume').isEnabled()).toBe(true)
    await tab.close()
    expect(browser.errors).toEqual([])
  })
})
