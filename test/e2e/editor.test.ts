import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readImage, writeImage } from '../../src-main/data/image-io'
import { readLabel } from '../../src-main/data/labels'
import { naturalCompare } from '../../src-main/data/natural-sort'
import type { WebHost } from '../../src-main/web-host'
import {
  copyDsbSamples,
  DSB_SAMPLES,
  launchBrowser,
  makeTemp,
  openApp,
  openDataset,
  removeTemp,
  shot,
  startHost,
  type Browser
} from './support'

const [FIRST, SECOND] = DSB_SAMPLES

async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const p = join(e.parentPath, e.name)
    if (!p.includes('.unet-studio'))
      out.set(
        p,
        createHash('sha256')
          .update(await readFile(p))
          .digest('hex')
      )
  }
  return out
}

/** Clicks sample `id` in the dataset browser and waits until the editor has drawn it. */
async function openSample(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="sample-row"][data-id="${id}"]`).click()
  await page
    .locator(`[data-testid="editor-canvas"][data-ready="true"][data-sample="${id}"]`)
    .waitFor({ timeout: 30_000 })
}

/** Moves the mouse to a screen point and reads the image pixel under it from the status bar. */
async function pixelAt(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  await page.mouse.move(x, y)
  const text = (await page.getByTestId('editor-status').textContent()) ?? ''
  const m = /x (\d+) · y (\d+)/.exec(text)
  if (!m) throw new Error(`no cursor position in status bar: ${text}`)
  return { x: Number(m[1]), y: Number(m[2]) }
}

function distToSegment(
  px: number,
  py: number,
  a: { x: number; y: number },
  b: { x: number; y: number }
) {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const t = Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy))
}

describe('label editor in the app', () => {
  let tmp: string
  let root: string
  let host: WebHost
  let browser: Browser

  beforeAll(async () => {
    tmp = await makeTemp()
    root = await copyDsbSamples(tmp, [FIRST, SECOND])
    host = await startHost(root)
    browser = await launchBrowser()
    await openApp(browser.page, host)
    await browser.page.getByTestId('sample-row').nth(1).waitFor({ timeout: 30_000 })
  })
  afterAll(async () => {
    await browser?.close()
    await host?.close()
    await removeTemp(tmp)
  })

  it('paints a stroke, undoes, redoes and saves it as a 16-bit label beside the originals', async () => {
    const { page } = browser
    const before = await hashTree(root)
    await openSample(page, FIRST)
    await shot(page, 'editor-app-open')
    const activeText = await page.getByTestId('active-instance').textContent()
    const active = Number(/#(\d+)/.exec(activeText ?? '')![1])
    expect(active).toBeGreaterThan(1)

    const box = (await page.getByTestId('editor-canvas').boundingBox())!
    const from = { x: box.x + box.width * 0.3, y: box.y + box.height * 0.75 }
    const to = { x: box.x + box.width * 0.6, y: box.y + box.height * 0.8 }
    const a = await pixelAt(page, from.x, from.y)
    await page.mouse.down()
    for (let k = 1; k <= 12; k++) {
      await page.mouse.move(
        from.x + ((to.x - from.x) * k) / 12,
        from.y + ((to.y - from.y) * k) / 12
      )
    }
    await page.mouse.up()
    const b = await pixelAt(page, to.x, to.y)
    await shot(page, 'editor-app-stroke')
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true)

    await page.keyboard.press('Control+z')
    await expect.poll(() => page.getByTestId('redo').isEnabled()).toBe(true)
    expect(await page.getByTestId('undo').isEnabled()).toBe(false)
    await shot(page, 'editor-app-undo')
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true)
    await page.getByTestId('save-label').click()
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved')
    await shot(page, 'editor-app-saved')
    await page.keyboard.press('u')
    if (await page.getByTestId('toolbar-more').count())
      await page.getByTestId('toolbar-more').click()
    expect(await page.getByTestId('overlay-outline').getAttribute('aria-pressed')).toBe('true')
    await shot(page, 'editor-app-outline')
    await page.keyboard.press('u')

    const file = join(root, '.unet-studio/labels', `${FIRST}.png`)
    const saved = await readImage(file)
    expect(saved.bitDepth).toBe(16)
    const original = await readLabel(
      {
        id: FIRST,
        imagePath: join(root, FIRST, 'images', `${FIRST}.png`),
        instanceMaskPaths: await maskFiles(root, FIRST)
      },
      'instances'
    )
    let painted = 0
    let changedFar = 0
    for (let y = 0; y < saved.height; y++) {
      for (let x = 0; x < saved.width; x++) {
        const i = y * saved.width + x
        const d = distToSegment(
          x + 0.5,
          y + 0.5,
          { x: a.x + 0.5, y: a.y + 0.5 },
          { x: b.x + 0.5, y: b.y + 0.5 }
        )
        if (d <= 4) {
          expect(saved.data[i]).toBe(active)
          painted++
        } else if (d > 9 && saved.data[i] !== original.data[i]) changedFar++
      }
    }
    expect(painted).toBeGreaterThan(50)
    expect(changedFar).toBe(0)
    expect(await hashTree(root)).toEqual(before)
  })

  it('saves edits when switching to another image', async () => {
    const { page } = browser
    await openSample(page, SECOND)
    await page.keyboard.press('p')
    const box = (await page.getByTestId('editor-canvas').boundingBox())!
    const cx = box.x + box.width / 2
    const cy = box.y + box.height / 2
    for (const [dx, dy] of [
      [-60, -60],
      [60, -50],
      [40, 60],
      [-50, 50]
    ]) {
      await page.mouse.click(cx + dx, cy + dy)
    }
    await page.keyboard.press('Enter')
    await shot(page, 'editor-app-polygon')
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true)
    const centre = await pixelAt(page, cx, cy)
    await openSample(page, FIRST)
    expect(await page.getByTestId('editor-error').count()).toBe(0)
    const saved = await readImage(join(root, '.unet-studio/labels', `${SECOND}.png`))
    expect(saved.data[centre.y * saved.width + centre.x]).toBeGreaterThan(0)
    expect(browser.errors.filter((e) => !e.includes('404'))).toEqual([])
  })

  it('windows a 16-bit image and annotates it from scratch as instances', async () => {
    const { page } = browser
    const dir = join(tmp, 'deep')
    await mkdir(dir)
    const w = 320
    const h = 240
    const px = new Uint16Array(w * h).map((_, i) => {
      const x = i % w
      const y = Math.floor(i / w)
      return 30000 + (Math.hypot(x - 160, y - 120) < 50 ? 2500 : 0) + ((x * 7 + y * 13) % 400)
    })
    await writeImage(
      join(dir, 'cells16.tif'),
      { data: px, width: w, height: h, channels: 1, bitDepth: 16 },
      'tiff'
    )
    await openDataset(page, dir)
    await openSample(page, 'cells16')
    const min = Number(await page.getByTestId('window-min').inputValue())
    const max = Number(await page.getByTestId('window-max').inputValue())
    expect(min).toBeGreaterThanOrEqual(30000)
    expect(max).toBeLessThanOrEqual(32900)
    await page.getByTestId('label-kind-instances').click()
    await page.getByTestId('active-instance').waitFor()
    await page
      .locator('[data-testid="editor-canvas"][data-ready="true"][data-sample="cells16"]')
      .waitFor()
    const box = (await page.getByTestId('editor-canvas').boundingBox())!
    await page.keyboard.press('p')
    const cx = box.x + box.width / 2
    const cy = box.y + box.height / 2
    await page.mouse.move(cx - 40, cy - 40)
    await page.mouse.down()
    for (const [dx, dy] of [
      [40, -40],
      [40, 40],
      [-40, 40],
      [-40, -38]
    ])
      await page.mouse.move(cx + dx, cy + dy, { steps: 4 })
    await page.mouse.up()
    const centre = await pixelAt(page, cx, cy)
    await page.keyboard.press('Control+s')
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved')
    await shot(page, 'editor-app-16bit')
    const saved = await readImage(join(dir, '.unet-studio/labels/cells16.png'))
    expect(saved.bitDepth).toBe(16)
    expect(saved.data[centre.y * w + centre.x]).toBe(1)
  })
})

async function maskFiles(root: string, id: string): Promise<string[]> {
  const dir = join(root, id, 'masks')
  return (await readdir(dir)).sort(naturalCompare).map((f) => join(dir, f))
}
