/** Form values remembered per dataset folder across reloads (localStorage), e.g. the Train form. */

const PREFIX = 'unet-studio:form:'

function key(form: string, root: string): string {
  return `${PREFIX}${form}:${root}`
}

/** The values last saved for `form` on dataset `root`, or null. */
export function recallForm<T extends object>(form: string, root: string): Partial<T> | null {
  try {
    const text = localStorage.getItem(key(form, root))
    if (!text) return null
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' ? (value as Partial<T>) : null
  } catch {
    return null
  }
}

/** Saves `values` of `form` for dataset `root` (quietly does nothing when storage is full or off). */
export function rememberForm(form: string, root: string, values: object): void {
  try {
    localStorage.setItem(key(form, root), JSON.stringify(values))
  } catch {
    /* storage unavailable: the form simply starts from its defaults next time */
  }
}
