/**
 * Class tables kept beside a dataset: `classes.csv` (`index,name[,display_rgb][,ignore_in_loss]`,
 * as in the SegNet CamVid folder) or a CVAT-style `labelmap.txt` (`name:r,g,b::` per line, the
 * line order giving the index). Errors name the file and line.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultClassColor, MAX_CLASS_INDEX, type ProjectClass } from '../../src-preload/project'

/** File names looked for in the dataset folder, in this order. */
export const CLASS_TABLE_FILES = ['classes.csv', 'labelmap.txt'] as const

/** Names that mark a class as the background. */
const BACKGROUND_NAMES = new Set(['background', 'bg', 'backgr'])
const YES = new Set(['yes', 'y', 'true', '1', 'ignore'])
const NO = new Set(['no', 'n', 'false', '0', ''])

function parseColor(text: string, where: string): [number, number, number] {
  const t = text.trim()
  const hex = /^#?([0-9a-f]{6})$/i.exec(t)
  if (hex) {
    const n = parseInt(hex[1], 16)
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
  }
  const parts = t
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number)
  if (parts.length !== 3 || parts.some((v) => !Number.isInteger(v) || v < 0 || v > 255))
    throw new Error(`${where}: colour "${text}" is not three values 0..255 (or #rrggbb)`)
  return [parts[0], parts[1], parts[2]]
}

/** Splits one CSV line (double quotes may wrap a field holding commas). */
function csvCells(line: string): string[] {
  const cells: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (ch === '"' && quoted && line[i + 1] === '"') {
      cur += '"'
      i++
    } else if (ch === '"') quoted = !quoted
    else if (ch === ',' && !quoted) {
      cells.push(cur)
      cur = ''
    } else cur += ch
  }
  cells.push(cur)
  return cells.map((c) => c.trim())
}

function checkIndex(index: number, where: string, seen: Set<number>): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_CLASS_INDEX)
    throw new Error(`${where}: class index must be a whole number 0..${MAX_CLASS_INDEX}`)
  if (seen.has(index)) throw new Error(`${where}: class index ${index} appears twice`)
  seen.add(index)
}

/** Parses `classes.csv`: an optional header, then `index,name[,display_rgb][,ignore_in_loss]`. */
export function parseClassesCsv(text: string, file: string): ProjectClass[] {
  const lines = text.split(/\r?\n/)
  const out: ProjectClass[] = []
  const seen = new Set<number>()
  let columns = ['index', 'name', 'display_rgb', 'ignore_in_loss']
  lines.forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return
    const cells = csvCells(line)
    const where = `${file} line ${i + 1}`
    if (out.length === 0 && !/^\d+$/.test(cells[0])) {
      columns = cells.map((c) => c.toLowerCase())
      if (!columns.includes('index') || !columns.includes('name'))
        throw new Error(`${where}: the header needs "index" and "name" columns`)
      return
    }
    const cell = (name: string) => cells[columns.indexOf(name)] ?? ''
    const index = Number(cell('index'))
    checkIndex(index, where, seen)
    const name = cell('name')
    if (!name) throw new Error(`${where}: class ${index} has no name`)
    const rgb = cell('display_rgb') || cell('color') || cell('colour')
    const ignoreText = (cell('ignore_in_loss') || cell('ignore')).toLowerCase()
    if (!YES.has(ignoreText) && !NO.has(ignoreText))
      throw new Error(`${where}: ignore_in_loss "${ignoreText}" is not yes or no`)
    out.push({
      index,
      name,
      color: rgb ? parseColor(rgb, where) : defaultClassColor(index),
      background: BACKGROUND_NAMES.has(name.toLowerCase()),
      ignore: YES.has(ignoreText)
    })
  })
  if (out.length === 0) throw new Error(`${file}: no classes listed`)
  return out.sort((a, b) => a.index - b.index)
}

/** Parses a CVAT `labelmap.txt`: `name:r,g,b:parts:actions` per line, index by line order. */
export function parseLabelmap(text: string, file: string): ProjectClass[] {
  const out: ProjectClass[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return
    const where = `${file} line ${i + 1}`
    const [name, rgb = ''] = line.split(':')
    if (!name.trim()) throw new Error(`${where}: a label needs a name`)
    const index = out.length
    out.push({
      index,
      name: name.trim(),
      color: rgb.trim() ? parseColor(rgb, where) : defaultClassColor(index),
      background: BACKGROUND_NAMES.has(name.trim().toLowerCase()),
      ignore: false
    })
  })
  if (out.length === 0) throw new Error(`${file}: no labels listed`)
  return out
}

/** The class table in `dir`, if there is one: its classes and which file they came from. */
export async function readClassTable(
  dir: string
): Promise<{ classes: ProjectClass[]; from: (typeof CLASS_TABLE_FILES)[number] } | null> {
  for (const name of CLASS_TABLE_FILES) {
    const file = join(dir, name)
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null
      throw new Error(`${file}: cannot read (${err.code ?? err.message})`)
    })
    if (text === null) continue
    const classes = name === 'classes.csv' ? parseClassesCsv(text, file) : parseLabelmap(text, file)
    return { classes, from: name }
  }
  return null
}
