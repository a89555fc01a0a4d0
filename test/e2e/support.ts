/**
 * Shared end-to-end helpers: a temp copy of real data, the web host started in-process, and a
 * headless Debian Chromium driven by playwright-core. Missing Chromium or a missing renderer
 * build fails loudly; nothing here ever skips.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { createHandlers } from '../../src-main/handlers'
import { JobRegistry } from '../../src-main/services/job-service'
import { builtinModelDirs } from '../../src-main/engine/builtin-models'
import { ModelLibrary } from '../../src-main/services/model-library'
import { startWebHost, type WebHost } from '../../src-main/web-host'

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../..')
/** The built renderer the web host serves (`npm run build:web`). */
export const WEB_DIR = join(ROOT, 'out/web')
/** Debian's Chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Read-only shared datasets. */
export const DATASETS = resolve(ROOT, '../shared/datasets')
/** Where screenshots go (`SHOTS_DIR` overrides). */
export const SHOTS_DIR = process.env.SHOTS_DIR ?? '/tmp/shots'

/** Six small DSB2018 samples (256×256 fluorescence, 6–10 nuclei each) plus one stained one. */
export const DSB_SAMPLES = [
  '4ff152d76db095f75c664dd48e41e8c9953fd0e784535883916383165e28a08e',
  '93cfd412c7de5210bbd262ec3a602cfea65072e9272e9fce9b5339a5b9436eb7',
  '3b75fc03a1d12b29bd2870eb1f6fdb44174dbd1118dfc11c31f127bd87bd27ef',
  '94a5a37c3b1153d5c5aef2eca53c960b9f21f2ef1758209d7ec502ec324b03a3',
  'eb96fc6cbf6880bf05c4309857ae33844a4bc2152e228eff31024e5265cf9fc3',
  '01d44a26f6680c42ba94c9bc6339228579a95d0e2695b149b7cc0c9592b21baf'
]

/** Makes a fresh temp dir; remove it with {@link removeTemp}. */
export async function makeTemp(prefix = 'unet-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** Removes a temp dir made by {@link makeTemp}. */
export async function removeTemp(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true })
}

/** Copies DSB2018 samples (DSB layout: `<id>/images`, `<id>/masks`) into `<dest>/dsb`. */
export async function copyDsbSamples(dest: string, ids: string[] = DSB_SAMPLES): Promise<string> {
  const src = join(DATASETS, 'dsb2018/stage1_train')
  if (!existsSync(src)) throw new Error(`Shared dataset missing: ${src}`)
  const out = join(dest, 'dsb')
  await mkdir(out, { recursive: true })
  for (const id of ids) await cp(join(src, id), join(out, id), { recursive: true })
  return out
}

/**
 * Copies a flat-pairs shared dataset (`isbi2012-em`, `camvid-segnet`) into `<dest>/<name>`: the
 * `images/` and `masks/` files of the given stems (all when omitted) and its classes.csv if any.
 */
export async function copyFlatDataset(
  dest: string,
  name: 'isbi2012-em' | 'camvid-segnet',
  stems?: string[]
): Promise<string> {
  const src = join(DATASETS, name)
  if (!existsSync(src)) throw new Error(`Shared dataset missing: ${src}`)
  const out = join(dest, name)
  for (const sub of ['images', 'masks']) {
    await mkdir(join(out, sub), { recursive: true })
    const files = stems
      ? stems.map((s) => `${s}.png`)
      : (await readdir(join(src, sub))).filter((f) => f.endsWith('.png'))
    for (const f of files) await cp(join(src, sub, f), join(out, sub, f))
  }
  if (existsSync(join(src, 'classes.csv')))
    await cp(join(src, 'classes.csv'), join(out, 'classes.csv'))
  return out
}

/** A web host of the tests: its model library lives in a temp folder removed on close. */
export interface TestHost extends WebHost {
  /** The host's model library. */
  library: ModelLibrary
}

/**
 * Starts the web host in-process on a free port, serving the built renderer, with a model
 * library of its own in a temp folder (listing the shipped models when `builtins`); close()
 * stops its jobs and removes the library.
 */
export async function startHost(
  initialDataset: string | null = null,
  builtins = false
): Promise<TestHost> {
  if (!existsSync(join(WEB_DIR, 'index.html'))) {
    throw new Error(`Renderer not built: ${WEB_DIR}/index.html missing. Run "npm run build:web".`)
  }
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  const jobs = new JobRegistry()
  const library = new ModelLibrary(
    await makeTemp('unet-e2e-data-'),
    builtins ? builtinModelDirs : undefined
  )
  const host = await startWebHost({
    staticDir: WEB_DIR,
    handlers: createHandlers({ jobs, library, allow: initialDataset ? [initialDataset] : [] }),
    jobs,
    version: pkg.version,
    initialDataset,
    port: 0
  })
  const close = host.close.bind(host)
  return {
    ...host,
    library,
    close: async () => {
      await jobs.closeAll()
      await close()
      await removeTemp(library.dir)
    }
  }
}

/** A headless browser with one page and its own throwaway profile. */
export interface Browser {
  context: BrowserContext
  page: Page
  /** Console errors and page errors seen so far. */
  errors: string[]
  close(): Promise<void>
}

/** Launches Debian Chromium headless with a fresh user-data-dir. Fails clearly when missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it (apt-get install chromium) or set CHROMIUM_PATH.`
    )
  }
  const profile = await makeTemp('unet-e2e-profile-')
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close()
      await removeTemp(profile)
    }
  }
}

/** Opens the app served by `host` and waits until it has talked to the host once. */
export async function openApp(page: Page, host: WebHost): Promise<void> {
  await page.goto(host.url)
  await page.getByTestId('host-info').waitFor({ timeout: 30_000 })
}

/**
 * Opens `dir` through the top bar as a user would (type, Open) and waits until its samples are
 * listed (the row of sample `first` when given, else any) and its label panel is shown.
 */
export async function openDataset(page: Page, dir: string, first?: string): Promise<void> {
  await page.getByTestId('dataset-path').fill(dir)
  await page.getByTestId('open-dataset').click()
  const shown = page.locator(`[data-testid="dataset-browser"][data-root="${dir}"]`)
  const failed = page.getByTestId('dataset-error-reason')
  try {
    await shown.or(failed).first().waitFor()
  } catch (err) {
    throw new Error(`${dir} was not shown (${await openState(page)}): ${String(err)}`)
  }
  if (await failed.isVisible())
    throw new Error(`${dir} failed to open: ${await failed.textContent()}`)
  const row = first
    ? `[data-testid="sample-row"][data-id="${first}"]`
    : '[data-testid="sample-row"]'
  await page.locator(row).first().waitFor({ timeout: 30_000 })
  await page.getByTestId('label-panel').waitFor()
}

/** What the top bar and the image list show, for a failure message. */
async function openState(page: Page): Promise<string> {
  const browser = page.getByTestId('dataset-browser')
  const root = (await browser.count()) ? await browser.getAttribute('data-root') : 'no list'
  const typed = await page.getByTestId('dataset-path').inputValue()
  const busy = await page.getByTestId('open-dataset').isDisabled()
  return `list at ${root}, path field ${typed}, Open ${busy ? 'disabled' : 'enabled'}`
}

/** Saves a screenshot to `<dir>/<name>.png` (default `/tmp/shots`) and returns its path. */
export async function shot(page: Page, name: string, dir = SHOTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/** Window sizes screenshots are also taken at by {@link shots}: small laptop and full HD. */
export const SHOT_SIZES = [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 }
] as const

/**
 * Saves `<name>.png` at the page's size, then `<name>-<w>x<h>.png` at each of {@link SHOT_SIZES},
 * and puts the page back to its size. Returns the paths.
 */
export async function shots(page: Page, name: string, dir: string): Promise<string[]> {
  const size = page.viewportSize()
  const paths = [await shot(page, name, dir)]
  for (const s of SHOT_SIZES) {
    await page.setViewportSize(s)
    await page.waitForTimeout(150)
    paths.push(await shot(page, `${name}-${s.width}x${s.height}`, dir))
  }
  if (size) await page.setViewportSize(size)
  return paths
}

/** What {@link useAppSession} sets up for one describe block. */
export interface AppSession {
  host: TestHost
  browser: Browser
  /** Temp folder removed after the block. */
  temp: string
  /** The DSB copy inside `temp`. */
  dsb: string
}

/**
 * Registers beforeAll/afterAll for one app session: a temp copy of DSB samples `ids`, the web host
 * (with that copy opened at load when `openAtStart`), and a 1400x900 Chromium page. Read the
 * returned object's fields inside tests.
 */
export function useAppSession(
  ids: string[],
  opts: { openAtStart?: boolean; builtins?: boolean } = {}
): AppSession {
  const session = {} as AppSession
  beforeAll(async () => {
    session.temp = await makeTemp()
    session.dsb = await copyDsbSamples(session.temp, ids)
    session.host = await startHost(opts.openAtStart ? session.dsb : null, opts.builtins)
    session.browser = await launchBrowser()
    await session.browser.page.setViewportSize({ width: 1400, height: 900 })
  })
  afterAll(async () => {
    await session.browser?.close()
    await session.host?.close()
    await removeTemp(session.temp)
  })
  return session
}

/** Waits until a state badge shows one of `states`; returns the state shown. */
export async function stateIs(page: Page, testid: string, states: string[], timeout = 150_000) {
  await page.waitForFunction(
    ([id, s]) =>
      (s as string[]).includes(
        document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? ''
      ),
    [testid, states] as const,
    { timeout }
  )
  return (await page.getByTestId(testid).textContent())!.trim()
}
