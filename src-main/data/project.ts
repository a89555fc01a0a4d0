/**
 * `<dataset>/.unet-studio/project.json`: read it, or seed it on first open from a class table
 * beside the data (classes.csv, labelmap.txt) or else from the mask values, and write it back
 * atomically when the class panel edits it.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import {
  defaultClassColor,
  projectSchema,
  type DetectedLabels,
  type LabelKind,
  type Project,
  type ProjectClass,
  type ProjectInput
} from '../../src-preload/project'
import { writeFileAtomic } from './atomic-write'
import { readClassTable } from './class-table'
import type { DatasetScan } from './dataset'
import { readImage } from './image-io'
import { mapLimit } from './map-limit'
import { classifyMaskValues, distinctValues, maskChannel, type MaskValueKind } from './mask-values'
import { scanDataset } from './scan'

/** Path of the project file inside a dataset. */
export const PROJECT_FILE = join('.unet-studio', 'project.json')
/** How many mask files are decoded to learn what the labels are. */
export const DEFAULT_PROJECT_MASKS_CHECKED = 12

/** The project file of dataset `root`. */
export function projectPath(root: string): string {
  return join(root, PROJECT_FILE)
}

function spread<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)])
}

/** What the dataset's masks are, from a few decoded mask files (never applied silently). */
export async function detectLabels(
  scan: DatasetScan,
  maxFiles = DEFAULT_PROJECT_MASKS_CHECKED
): Promise<DetectedLabels & { valuesSeen: number[] }> {
  if (scan.samples.some((s) => s.instanceMaskPaths?.length))
    return {
      labelType: 'instances',
      values: 'one mask file per object',
      foregroundShare: null,
      masksChecked: 0,
      valuesSeen: []
    }
  const files = scan.samples.flatMap((s) => (s.maskPath ? [s.maskPath] : []))
  if (files.length === 0)
    return {
      labelType: null,
      values: 'no masks',
      foregroundShare: null,
      masksChecked: 0,
      valuesSeen: []
    }
  const kinds = new Set<MaskValueKind>()
  const seen = new Set<number>()
  let pixels = 0
  let nonZero = 0
  let checked = 0
  await mapLimit(spread(files, maxFiles), 4, async (file) => {
    const img = await readImage(file).catch(() => null)
    if (!img) return
    let values
    try {
      values = maskChannel(img, file)
    } catch {
      return
    }
    const distinct = distinctValues(values)
    distinct.forEach((v) => seen.add(v))
    kinds.add(classifyMaskValues(distinct, img.bitDepth))
    for (const v of values) if (v) nonZero++
    pixels += values.length
    checked++
  })
  kinds.delete('empty')
  if (kinds.has('class-index')) kinds.delete('binary-0-1')
  const valuesSeen = [...seen].sort((a, b) => a - b)
  const base = { masksChecked: checked, valuesSeen }
  if (kinds.has('instance-id'))
    return { ...base, labelType: 'instances', values: 'instance ids', foregroundShare: null }
  if (kinds.has('class-index'))
    return {
      ...base,
      labelType: 'classes',
      values: `class indices ${valuesSeen[0]}..${valuesSeen[valuesSeen.length - 1]}`,
      foregroundShare: null
    }
  const share = pixels ? nonZero / pixels : null
  const words = kinds.has('binary-0-255') ? 'binary 0/255' : kinds.size ? 'binary 0/1' : 'all zero'
  return { ...base, labelType: 'binary', values: words, foregroundShare: share }
}

function binaryClasses(foreground: string): ProjectClass[] {
  return [
    { index: 0, name: 'Background', color: defaultClassColor(0), background: true, ignore: false },
    { index: 1, name: foreground, color: defaultClassColor(1), background: false, ignore: false }
  ]
}

/** Classes 0..max named after their index, 0 as background (when no table names them). */
function indexedClasses(values: number[]): ProjectClass[] {
  const max = Math.max(1, ...values)
  return Array.from({ length: max + 1 }, (_, index) => ({
    index,
    name: index === 0 ? 'Background' : `Class ${index}`,
    color: defaultClassColor(index),
    background: index === 0,
    ignore: false
  }))
}

/**
 * What to assume for a folder with no labels yet: the label type (and class count) of the model
 * whose predictions were made from it, so that a corrected prediction is saved as what it is.
 */
export interface LabelHint {
  labelType?: LabelKind
  classes?: number
}

/**
 * A new project for dataset `root`: class table first, else the mask values, else (no masks)
 * the `hint`, else binary.
 */
export async function seedProject(root: string, hint: LabelHint = {}): Promise<Project> {
  const scan = await scanDataset(root)
  const [table, found] = await Promise.all([readClassTable(scan.root), detectLabels(scan)])
  const { valuesSeen: seen, ...detected } = found
  let labelType: LabelKind = detected.labelType ?? hint.labelType ?? 'binary'
  const hinted = !detected.labelType && hint.classes ? [...Array(hint.classes).keys()] : []
  const valuesSeen = seen.length ? seen : hinted
  if (table && labelType === 'binary' && table.classes.length > 2) labelType = 'classes'
  let classes: ProjectClass[]
  let classesFrom: Project['classesFrom'] = 'label type'
  if (table && labelType !== 'instances') {
    classes = table.classes
    classesFrom = table.from
  } else if (labelType === 'classes') {
    classes = indexedClasses(valuesSeen)
    classesFrom = 'mask values'
  } else classes = binaryClasses(labelType === 'instances' ? 'Object' : 'Foreground')
  return projectSchema.parse({ labelType, invert: false, classes, classesFrom, detected })
}

function invalid(file: string, err: z.ZodError): Error {
  const issue = err.issues[0]
  const where = issue.path.length ? ` at ${issue.path.join('.')}` : ''
  return new Error(`${file}: not a valid project file${where}: ${issue.message}`)
}

/** The dataset's project: read from project.json, or seeded (and written) on first open. */
export async function loadProject(
  root: string,
  hint: LabelHint = {}
): Promise<{ project: Project; seeded: boolean }> {
  const file = projectPath(root)
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null
    throw new Error(`${file}: cannot read (${err.code ?? err.message})`)
  })
  if (text !== null) {
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message})`)
    }
    const parsed = projectSchema.safeParse(raw)
    if (!parsed.success) throw invalid(file, parsed.error)
    return { project: parsed.data, seeded: false }
  }
  const project = await seedProject(root, hint)
  await writeProject(root, project)
  return { project, seeded: true }
}

async function writeProject(root: string, project: Project): Promise<void> {
  const file = projectPath(root)
  await mkdir(dirname(file), { recursive: true })
  await writeFileAtomic(file, JSON.stringify(project, null, 2) + '\n')
}

/** Validates and writes the project (as edited in the class panel); returns what was written. */
export async function saveProject(root: string, input: ProjectInput): Promise<Project> {
  const parsed = projectSchema.safeParse(input)
  if (!parsed.success) throw invalid(projectPath(root), parsed.error)
  await writeProject(root, parsed.data)
  return parsed.data
}

/** The project if the dataset has one (never seeds); null otherwise. */
export async function readProjectIfAny(root: string): Promise<Project | null> {
  const text = await readFile(projectPath(root), 'utf8').catch(() => null)
  if (text === null) return null
  try {
    const parsed = projectSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
