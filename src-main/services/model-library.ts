/**
 * The per-user model library: `library.json` in the app data folder lists every run the app
 * trained and every model the user added, and the predictions folders made from each input
 * folder (so a reload finds them). Entries are described afresh from their folders on each
 * listing; a folder that is gone stays listed as `missing` until removed, and a trained run shows
 * up once its `config.json` is written.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { ModelEntry, ModelSource } from '../../src-preload/records'
import { writeFileAtomic } from '../data/atomic-write'
import { describeModel, resolveModelFolder } from '../engine/model-folder'

/** The library file's name in the app data folder. */
export const LIBRARY_FILE = 'library.json'

/** Predictions folders remembered at most (the oldest are forgotten first). */
export const MAX_REMEMBERED_PREDICTIONS = 200

const libraryFile = z.object({
  version: z.literal(1),
  models: z.array(
    z.object({
      path: z.string(),
      source: z.enum(['trained', 'added']),
      addedAt: z.string()
    })
  ),
  predictions: z.array(z.object({ input: z.string(), out: z.string(), at: z.string() }))
})

/** The library file's contents. */
type LibraryFile = z.infer<typeof libraryFile>

const EMPTY: LibraryFile = { version: 1, models: [], predictions: [] }

/**
 * A run folder the trainer has made but not yet written `config.json` into: a run still setting
 * up, or one that failed before its first checkpoint. Trained runs are listed only once started.
 */
function notStarted(path: string): boolean {
  return existsSync(path) && !existsSync(join(path, 'config.json'))
}

/** A predictions folder made from an input folder. */
export interface RememberedPrediction {
  input: string
  out: string
  at: string
}

/** The library of one app data folder; operations of one process run one at a time. */
export class ModelLibrary {
  private chain: Promise<unknown> = Promise.resolve()

  constructor(
    /** The app data folder. */
    readonly dir: string,
    /** Folders of models shipped with the app, listed first (never written to the file). */
    private readonly builtins: () => Promise<string[]> = async () => []
  ) {}

  /** Path of `library.json`. */
  get file(): string {
    return join(this.dir, LIBRARY_FILE)
  }

  /** Runs `work` after every earlier operation of this library. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work)
    this.chain = next.catch(() => undefined)
    return next
  }

  /** Reads the file; a broken one is moved aside (`library.json.broken`) and an empty one used. */
  private async read(): Promise<LibraryFile> {
    if (!existsSync(this.file)) return structuredClone(EMPTY)
    const text = await readFile(this.file, 'utf8')
    try {
      return libraryFile.parse(JSON.parse(text))
    } catch (err) {
      const aside = `${this.file}.broken`
      await rename(this.file, aside)
      console.warn(`${this.file}: unreadable (${(err as Error).message}); moved to ${aside}`)
      return structuredClone(EMPTY)
    }
  }

  private async write(data: LibraryFile): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n')
  }

  /** Records a run folder (once; the first source is kept). */
  record(path: string, source: Exclude<ModelSource, 'builtin'>): Promise<void> {
    const abs = resolve(path)
    return this.serial(async () => {
      const data = await this.read()
      if (data.models.some((m) => m.path === abs)) return
      data.models.push({ path: abs, source, addedAt: new Date().toISOString() })
      await this.write(data)
    })
  }

  /** Adds a run or model folder after checking it holds a model; returns its entry. */
  async add(path: string): Promise<ModelEntry> {
    const { runDir, weightsDir } = await resolveModelFolder(path)
    if (!weightsDir) throw new Error(`${runDir}: no weights yet (no model/, last/ or model.json)`)
    await this.record(runDir, 'added')
    const entry = (await this.list()).find((m) => m.path === runDir)
    if (!entry) throw new Error(`${runDir}: could not be added to ${this.file}`)
    return entry
  }

  /** Takes a model off the list; false when it was not listed. */
  remove(path: string): Promise<boolean> {
    const abs = resolve(path)
    return this.serial(async () => {
      const data = await this.read()
      const kept = data.models.filter((m) => m.path !== abs)
      if (kept.length === data.models.length) return false
      await this.write({ ...data, models: kept })
      return true
    })
  }

  /** Every model, built-in ones first, then the newest added or trained first. */
  async list(): Promise<ModelEntry[]> {
    const data = await this.serial(() => this.read())
    const builtins = await this.builtins()
    const listed = [
      ...builtins.map((path) => ({ path, source: 'builtin' as const, addedAt: '' })),
      ...[...data.models].reverse()
    ]
    const shown = listed.filter((m) => m.source !== 'trained' || !notStarted(m.path))
    return Promise.all(shown.map((m) => this.describe(m.path, m.source, m.addedAt)))
  }

  private async describe(path: string, source: ModelSource, addedAt: string): Promise<ModelEntry> {
    try {
      return { ...(await describeModel(path)), source, addedAt }
    } catch (err) {
      return {
        path,
        name: path.split(/[\\/]/).slice(-2).join('/'),
        source,
        status: 'missing',
        problem: (err as Error).message,
        dataset: null,
        createdAt: null,
        arch: null,
        base: null,
        depth: null,
        size: null,
        labelType: null,
        invertMask: null,
        classes: null,
        channels: null,
        bestValIou: null,
        cardF1: null,
        epochs: 0,
        init: null,
        postprocess: null,
        addedAt
      }
    }
  }

  /** Remembers that `out` holds predictions of `input` (the newest is found first). */
  rememberPrediction(input: string, out: string): Promise<void> {
    const entry = { input: resolve(input), out: resolve(out), at: new Date().toISOString() }
    return this.serial(async () => {
      const data = await this.read()
      const others = data.predictions.filter((p) => p.input !== entry.input || p.out !== entry.out)
      data.predictions = [...others, entry].slice(-MAX_REMEMBERED_PREDICTIONS)
      await this.write(data)
    })
  }

  /** The predictions folders remembered for `input`, newest first. */
  async predictionsOf(input: string): Promise<RememberedPrediction[]> {
    const abs = resolve(input)
    const data = await this.serial(() => this.read())
    return data.predictions.filter((p) => p.input === abs).reverse()
  }
}
