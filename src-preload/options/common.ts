/**
 * What the option schemas share: the path field, and one readable error for a schema's issues
 * that names each field (and, for a misspelt key, the known key it was probably meant to be).
 */
import { z } from 'zod'

/** A file or folder path (absolute or relative to the current folder). */
export const path = z.string().min(1)

/** Options that failed their schema: the message names every offending field. */
export class OptionsError extends Error {
  override name = 'OptionsError'
  constructor(
    message: string,
    /** The schema's issues, as zod reported them. */
    readonly issues: z.core.$ZodIssue[]
  ) {
    super(message)
  }
}

/** Edit distance of two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)))
    prev = row
  }
  return prev[b.length]
}

/**
 * The closest of `known` to a misspelt key: within a few edits (about one per three letters), or
 * the known key the misspelt one starts with (`batchSize` → `batch`).
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase()
  let best: string | null = null
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(lower, k.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  if (best !== null && bestDistance <= Math.max(1, Math.floor(key.length / 3))) return best
  const prefixes = known.filter((k) => k.length >= 3 && lower.startsWith(k.toLowerCase()))
  return prefixes.sort((a, b) => b.length - a.length)[0] ?? null
}

/**
 * The keys of the object schema(s) reached by following `path` through `schema` (through
 * defaults, optionals, arrays, and every option of a union).
 */
function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  )
    return keysAt(schema.unwrap(), path)
  if (schema instanceof z.ZodUnion) return schema.options.flatMap((o) => keysAt(o, path))
  const [head, ...rest] = path
  if (schema instanceof z.ZodArray)
    return typeof head === 'number' ? keysAt(schema.element, rest) : []
  if (!(schema instanceof z.ZodObject)) return []
  if (head === undefined) return Object.keys(schema.shape)
  return typeof head === 'string' && head in schema.shape ? keysAt(schema.shape[head], rest) : []
}

/** How a field is named in an error: as is (`minSize`), or as a flag with {@link asFlag}. */
export type FieldNamer = (field: string) => string

/** A field as its command-line flag: `minSize` → `--min-size`. */
export const asFlag: FieldNamer = (field) =>
  `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/** One issue in words: `field: reason`, an unknown key as `unknown option "x" (did you mean "y"?)`. */
function issueText(issue: z.core.$ZodIssue, schema: z.core.$ZodType, name: FieldNamer): string {
  const where = issue.path.map(String).join('.')
  const prefix = where ? `${name(where)}: ` : ''
  if (issue.code !== 'unrecognized_keys') return `${prefix}${issue.message}`
  const known = [...new Set(keysAt(schema, issue.path))]
  return issue.keys
    .map((key) => {
      const near = closestKey(key, known)
      const hint = near ? ` (did you mean "${name(near)}"?)` : ''
      return `${prefix}unknown option "${name(key)}"${hint}`
    })
    .join('; ')
}

/** Every issue of a failed parse in one line, each naming its field. */
export function issuesText(
  error: z.ZodError,
  schema: z.core.$ZodType,
  name: FieldNamer = (field) => field
): string {
  return error.issues.map((issue) => issueText(issue, schema, name)).join('; ')
}

/**
 * Parses `raw` with `schema`; on failure throws an {@link OptionsError} whose message is
 * `<what>: <field>: <reason>; …` (fields named by `name`, e.g. {@link asFlag} for the CLI).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  what: string,
  name?: FieldNamer
): z.output<S> {
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  throw new OptionsError(`${what}: ${issuesText(result.error, schema, name)}`, result.error.issues)
}

/** Drops keys whose value is `undefined` (command-line flags that were not given). */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
