/**
 * Label types in the editor, end to end on temp copies of the shared data: CamVid's named classes,
 * ISBI's inverted masks and natural order, a clean switch between datasets, an unreadable sample,
 * and a stroke that survives the page closing.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readImage } from '../../src-main/data/image-io'
import { mergeDataset } from '../../src-main/data/merge'
import type { WebHost } from '../../src-main/web-host'
import {
  copyDsbSamples,
  copyFlatDataset,
  launchBrowser,
  makeTemp,
  openApp,
  openDataset,
  removeTemp,
  shot,
  startHost,
  type Browser
} from './support'

/** A DSB sample with 99 nuclei (instance ids up to 99), and a small one. */
const CROWDED = '9586e48a9a4353f11898a6a4b7475a91574e8af82e99c4b7a5e1f1b18f345f7a'
const SMALL = '4ff152d76db095f75c664dd48e41e8c9953fd0e784535883916383165e28a08e'
const ISBI_STEMS = Array.from({ length: 12 }, (_, i) => String(i))
const CAMVID_STEMS = ['0001TP_006840', '0001TP_007140', '0001TP_007440']

let tmp: string
let host: WebHost
let browser: Browser
let isbi: string
let camvid: string
let dsb: string
let boundary: string

async function openSample(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="sample-row"][data-id="${id}"]`).click()
  await page
    .locator(`[data-testid="editor-canvas"][data-ready="true"][data-sample="${id}"]`)
    .waitFor({ timeout: 30_000 })
}

/** Moves the mouse over the canvas and reads the status bar: image pixel and value name. */
async function hover(page: Page, fx: number, fy: number) {
  const box = (await page.getByTestId('editor-canvas').boundingBox())!
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy)
  const text = (await page.getByTestId('editor-cursor').textContent()) ?? ''
  const m = /x (\d+) · y (\d+) · (.+)/.exec(text)
  if (!m) throw new Error(`no cursor in the status bar: ${text}`)
  return { x: Number(m[1]), y: Number(m[2]), name: m[3].trim() }
}

async function stroke(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await page.getByTestId('editor-canvas').boundingBox())!
  const at = (f: [number, number]) => [box.x + box.width * f[0], box.y + box.height * f[1]]
  const [x0, y0] = at(from)
  const [x1, y1] = at(to)
  await page.mouse.move(x0, y0)
  await page.mouse.down()
  await page.mouse.move(x1, y1, { steps: 10 })
  await page.mouse.up()
}

const hash = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex')

beforeAll(async () => {
  tmp = await makeTemp()
  isbi = await copyFlatDataset(tmp, 'isbi2012-em', ISBI_STEMS)
  camvid = await copyFlatDataset(tmp, 'camvid-segnet', CAMVID_STEMS)
  dsb = await copyDsbSamples(tmp, [SMALL, CROWDED])
  boundary = join(tmp, 'dsb-boundary')
  await mergeDataset(dsb, boundary, { mode: 'boundary' })
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

describe('label types in the editor', () => {
  it('CamVid: the class panel shows the names and colours of classes.csv; Sky is a class', async () => {
    const { page } = browser
    await openDataset(page, camvid, CAMVID_STEMS[0])
    await page.getByTestId('class-panel').waitFor()
    const names = await page.getByTestId('class-name').allTextContents()
    expect(names.slice(0, 4)).toEqual(['Sky', 'Building', 'Pole', 'Road'])
    expect(names).toContain('Unlabelled')
    await expect(page.getByTestId('dataset-label-type').textContent()).resolves.toBe('Multi-class')
    await page.locator('[data-testid="editor-canvas"][data-ready="true"]').waitFor()
    await page.keyboard.press('2')
    await expect(
      page.locator('[data-testid="class-row"][data-index="1"]').getAttribute('class')
    ).resolves.toContain('active')
    const at = await hover(page, 0.5, 0.45)
    const mask = await readImage(join(camvid, 'masks', `${CAMVID_STEMS[0]}.png`))
    const value = mask.data[at.y * mask.width + at.x]
    expect(at.name).toBe(`${names[value]} (${value})`)
    await shot(page, 'labels-camvid-classes')
  })

  it('ISBI: samples in natural order; "invert mask" makes membranes the foreground', async () => {
    const { page } = browser
    await openDataset(page, isbi, '0')
    const ids = await page
      .getByTestId('sample-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
    expect(ids).toEqual(ISBI_STEMS)
    await openSample(page, '0')
    await page.getByTestId('invert-hint').waitFor()
    const mask = await readImage(join(isbi, 'masks', '0.png'))
    const before = await hover(page, 0.5, 0.5)
    const membrane = mask.data[before.y * mask.width + before.x] === 0
    expect(before.name).toBe(membrane ? 'background' : 'foreground')
    await page.getByTestId('label-invert').check()
    await page
      .locator('[data-testid="editor-canvas"][data-ready="true"][data-sample="0"]')
      .waitFor()
    await expect
      .poll(async () => (await hover(page, 0.5, 0.5)).name)
      .toBe(membrane ? 'foreground' : 'background')
    await expect(page.getByTestId('dataset-label-type').textContent()).resolves.toBe(
      'Binary, inverted'
    )
    const project = JSON.parse(await readFile(join(isbi, '.unet-studio/project.json'), 'utf8'))
    expect(project).toMatchObject({ labelType: 'binary', invert: true })
    await shot(page, 'labels-isbi-inverted')
  })

  it('switching datasets resets the palette: no class 100 on the boundary dataset after DSB', async () => {
    const { page } = browser
    await openDataset(page, dsb, SMALL)
    await openSample(page, CROWDED)
    const active = await page.getByTestId('active-instance').textContent()
    expect(Number(/#(\d+)/.exec(active ?? '')![1])).toBeGreaterThan(90)
    await page.getByTestId('tab-merge').click()
    await page.getByTestId('tab-train').click()
    await expect(page.getByTestId('train-data').inputValue()).resolves.toBe(dsb)

    await openDataset(page, boundary, SMALL)
    await page.locator('[data-testid="editor-canvas"][data-ready="true"]').waitFor()
    const names = await page.getByTestId('class-name').allTextContents()
    expect(names).toEqual(['Background', 'Interior', 'Boundary'])
    expect(await page.getByTestId('active-instance').count()).toBe(0)
    const activeRow = page.locator('[data-testid="class-row"].active')
    await expect(activeRow.getAttribute('data-index')).resolves.toBe('1')
    await expect(page.getByTestId('train-data').inputValue()).resolves.toBe(boundary)
    expect(await page.getByTestId('train-runs').count()).toBe(0)
    await shot(page, 'labels-boundary-after-dsb')
  })

  it('a mask of the wrong size shows its error; an edit is never written to another image', async () => {
    const { page } = browser
    const small = await sharp(join(isbi, 'masks/3.png')).resize(256, 256).png().toBuffer()
    await writeFile(join(isbi, 'masks/3.png'), small)
    await openDataset(page, isbi, '0')
    await openSample(page, '2')
    await stroke(page, [0.3, 0.3], [0.6, 0.35])
    await page.locator('[data-testid="sample-row"][data-id="3"]').click()
    const error = page.getByTestId('sample-error')
    await error.waitFor()
    await expect(error.textContent()).resolves.toContain(
      `${join(isbi, 'masks/3.png')}: label is 256x256 but its image is 512x512`
    )
    const edited2 = join(isbi, '.unet-studio/labels/2.png')
    await expect.poll(() => existsSync(edited2)).toBe(true)
    const saved2 = await hash(edited2)
    await stroke(page, [0.2, 0.2], [0.8, 0.8])
    await page.keyboard.press('Control+s')
    await page.waitForTimeout(2500)
    expect(await hash(edited2)).toBe(saved2)
    expect(existsSync(join(isbi, '.unet-studio/labels/3.png'))).toBe(false)
    expect(await page.getByTestId('editor-canvas').getAttribute('data-ready')).toBe('false')
    await shot(page, 'labels-wrong-size')
    await openSample(page, '4')
    expect(await page.getByTestId('sample-error').count()).toBe(0)
    // another dataset after that save: it shows as many edited images as it has edits on disk
    await openDataset(page, dsb)
    const rows = page.getByTestId('sample-row')
    await page.waitForTimeout(1000)
    const labels = join(dsb, '.unet-studio/labels')
    const onDisk = existsSync(labels) ? (await readdir(labels)).length : 0
    const statuses = await rows
      .locator('[data-status]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))
    expect(statuses.filter((s) => s === 'edited').length).toBe(onDisk)
    const edited = page.locator('[data-testid="dataset-browser"] .c.edited')
    if (onDisk === 0) await expect(edited.count()).resolves.toBe(0)
    else await expect(edited.textContent()).resolves.toBe(`${onDisk} edited`)
    await openDataset(page, isbi, '0')
  })

  it('closing the page right after a stroke leaves the stroke on disk', async () => {
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 1024, height: 700 })
    await openApp(page, host)
    // a new tab shows the dataset opened last (ISBI, in the test before); the user opens another
    await page.locator(`[data-testid="dataset-browser"][data-root="${isbi}"]`).waitFor()
    await openDataset(page, camvid, CAMVID_STEMS[0])
    await openSample(page, CAMVID_STEMS[1])
    await page.keyboard.press('2')
    await stroke(page, [0.4, 0.6], [0.6, 0.62])
    const centre = await hover(page, 0.5, 0.61)
    await page.close()
    const file = join(camvid, '.unet-studio/labels', `${CAMVID_STEMS[1]}.png`)
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(true)
    const saved = await readImage(file)
    expect(saved.data[centre.y * saved.width + centre.x]).toBe(1)
  })

  it('warns before leaving while an edit is unsaved, and the edit still reaches the disk', async () => {
    const page = await browser.context.newPage()
    await openApp(page, host)
    // a new tab shows the dataset opened last (CamVid, in the test before)
    await page.locator(`[data-testid="dataset-browser"][data-root="${camvid}"]`).waitFor()
    await openDataset(page, camvid, CAMVID_STEMS[0])
    await openSample(page, CAMVID_STEMS[2])
    await page.keyboard.press('4')
    await stroke(page, [0.3, 0.5], [0.5, 0.52])
    const centre = await hover(page, 0.4, 0.51)
    const dialog = page.waitForEvent('dialog')
    await page.close({ runBeforeUnload: true })
    const leave = await dialog
    expect(leave.type()).toBe('beforeunload')
    await leave.accept()
    const file = join(camvid, '.unet-studio/labels', `${CAMVID_STEMS[2]}.png`)
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(true)
    const saved = await readImage(file)
    expect(saved.data[centre.y * saved.width + centre.x]).toBe(3)
  })
})
