/**
 * The window at 1024x700 and 1920x1080: side panels fold, the toolbar stays one row (its extra
 * controls in a menu), and the image is refitted when the window is resized.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  type Browser
} from './support'

let tmp: string
let host: WebHost
let browser: Browser
let isbi: string

async function zoom(page: Page): Promise<number> {
  const text = (await page.getByTestId('editor-status').textContent()) ?? ''
  return Number(/(\d+)%/.exec(text)![1])
}

async function width(page: Page, id: string): Promise<number> {
  return (await page.getByTestId(id).boundingBox())?.width ?? 0
}

beforeAll(async () => {
  tmp = await makeTemp()
  isbi = await copyFlatDataset(tmp, 'isbi2012-em', ['0', '1'])
  host = await startHost(isbi)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await host?.close()
  await removeTemp(tmp)
})

describe('window layout', () => {
  it('1024x700: one-row toolbar with a menu, folding panels, image refitted on resize', async () => {
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 1920, height: 1080 })
    await openApp(page, host)
    await page.locator('[data-testid="editor-canvas"][data-ready="true"]').waitFor()
    await shot(page, 'layout-1920x1080')
    const big = await zoom(page)
    expect(await page.getByTestId('toolbar-more').count()).toBe(0)

    await page.setViewportSize({ width: 1024, height: 700 })
    await expect.poll(() => zoom(page)).toBeLessThan(big)
    const toolbar = (await page.getByRole('toolbar').boundingBox())!
    expect(toolbar.height).toBeLessThan(50)
    await page.getByTestId('toolbar-more').click()
    await page.getByTestId('toolbar-menu').waitFor()
    await shot(page, 'layout-1024x700-menu')
    await page.getByTestId('toolbar-more').click()

    const withPanels = await width(page, 'editor-canvas')
    await page.getByTestId('fold-jobs').click()
    await page.getByTestId('fold-samples').click()
    await page.getByTestId('toggle-label-panel').click()
    await expect.poll(() => width(page, 'editor-canvas')).toBeGreaterThan(withPanels + 500)
    await shot(page, 'layout-1024x700-folded')
    await page.getByTestId('rail-train').click()
    await page.getByTestId('open-samples').click()
    await page.getByTestId('toggle-label-panel').click()
    await page.getByTestId('train-panel').waitFor()
    await shot(page, 'layout-1024x700')
    // the same width gives the same toolbar whatever came before: a stroke saved (the save
    // button's text grows and shrinks), a reload
    const box = (await page.getByTestId('editor-canvas').boundingBox())!
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.55, { steps: 8 })
    await page.mouse.up()
    await page.getByTestId('save-label').click()
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved')
    const undoInline = () => page.getByTestId('undo').isVisible()
    const inline = await undoInline()
    await page.reload()
    await page.getByTestId('train-panel').waitFor()
    expect(await page.getByTestId('dataset-browser').count()).toBe(1)
    await page.locator('[data-testid="editor-canvas"][data-ready="true"]').waitFor()
    await expect.poll(undoInline).toBe(inline)
    await page.getByTestId('toggle-label-panel').click()
    await page.getByTestId('toggle-label-panel').click()
    await expect.poll(undoInline).toBe(inline)
    await page.close()
  })

  it('serve --data: a reload keeps the dataset the user opened since, not the start-up one', async () => {
    const other = await copyFlatDataset(tmp, 'camvid-segnet', ['0001TP_006840'])
    const page = await browser.context.newPage()
    await openApp(page, host)
    await page.locator(`[data-testid="dataset-browser"][data-root="${isbi}"]`).waitFor()
    await openDataset(page, other, '0001TP_006840')
    await page.reload()
    await page.getByTestId('host-info').waitFor()
    await page.locator(`[data-testid="sample-row"][data-id="0001TP_006840"]`).waitFor()
    expect(await page.getByTestId('dataset-browser').getAttribute('data-root')).toBe(other)
    await page.close()
  })
})
