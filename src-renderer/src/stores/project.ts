/**
 * The open dataset's project (project.json): label type, invert choice and named classes, as the
 * class panel edits them. The editor palette, the train form and the charts read it from here.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ProjectInfo } from '../../../src-preload/contract'
import {
  defaultClassColor,
  MAX_CLASS_INDEX,
  projectSchema,
  trainingClasses,
  type LabelKind,
  type Project,
  type ProjectClass
} from '../../../src-preload/project'
import { client, errorText } from './app'

/** Words for the label types, as the UI shows them. */
export const LABEL_TYPE_NAMES: Record<LabelKind, string> = {
  binary: 'Binary',
  classes: 'Multi-class',
  instances: 'Instances'
}

/** The project store. */
export const useProjectStore = defineStore('project', () => {
  const root = ref<string | null>(null)
  const path = ref<string | null>(null)
  const project = shallowRef<Project | null>(null)
  const seeded = ref(false)
  const loading = ref(false)
  const saving = ref(false)
  const error = ref<string | null>(null)
  let loadSeq = 0

  const labelType = computed<LabelKind | null>(() => project.value?.labelType ?? null)
  const invert = computed(() => project.value?.invert ?? false)
  /** Classes sorted by index. */
  const classes = computed<ProjectClass[]>(() =>
    [...(project.value?.classes ?? [])].sort((a, b) => a.index - b.index)
  )
  /** Classes the brush offers: every class except the background (painted by the eraser). */
  const paintable = computed(() => classes.value.filter((c) => !c.background))
  /** The value the eraser writes: the background class, else the ignored class, else 0. */
  const eraseValue = computed(() => {
    const bg = classes.value.find((c) => c.background) ?? classes.value.find((c) => c.ignore)
    return bg?.index ?? 0
  })
  /** What a model trained on this project learns (or the reason it cannot). */
  const training = computed(() => {
    if (!project.value) return { ok: false as const, reason: 'no dataset open' }
    try {
      return { ok: true as const, ...trainingClasses(project.value) }
    } catch (err) {
      return { ok: false as const, reason: errorText(err) }
    }
  })

  function apply(info: ProjectInfo): void {
    root.value = info.root
    path.value = info.path
    project.value = info.project
    seeded.value = info.seeded
  }

  /** Reads (or seeds) the project of dataset `dir`. */
  async function load(dir: string): Promise<void> {
    const seq = ++loadSeq
    reset()
    root.value = dir
    loading.value = true
    try {
      const info = await client().call('project:read', { root: dir })
      if (seq === loadSeq) apply(info)
    } catch (err) {
      if (seq === loadSeq) error.value = errorText(err)
    } finally {
      if (seq === loadSeq) loading.value = false
    }
  }

  /** Forgets the project (another dataset is opening). */
  function reset(): void {
    root.value = null
    path.value = null
    project.value = null
    seeded.value = false
    error.value = null
  }

  /**
   * Validates and writes a changed project; on a bad value the panel shows the reason and the
   * stored project stays as it was. Returns whether it was written.
   */
  async function save(next: Project): Promise<boolean> {
    const at = root.value
    if (!at) return false
    const parsed = projectSchema.safeParse(next)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      error.value = issue.message
      return false
    }
    const before = project.value
    project.value = parsed.data
    saving.value = true
    try {
      const info = await client().call('project:save', { root: at, project: parsed.data })
      if (root.value === at) apply(info)
      error.value = null
      return true
    } catch (err) {
      if (root.value === at) {
        project.value = before
        error.value = `Could not save ${path.value ?? 'project.json'}: ${errorText(err)}`
      }
      return false
    } finally {
      saving.value = false
    }
  }

  /** Sets the label type (binary, multi-class, instances); classes are kept. */
  function setLabelType(kind: LabelKind): Promise<boolean> {
    if (!project.value || project.value.labelType === kind) return Promise.resolve(false)
    let classes = project.value.classes
    if (kind === 'classes' && classes.length < 2) classes = [...classes, newClass(classes)]
    return save({ ...project.value, labelType: kind, classes })
  }

  /** Sets whether a binary mask's foreground is its dark (zero) value. */
  function setInvert(on: boolean): Promise<boolean> {
    if (!project.value || project.value.invert === on) return Promise.resolve(false)
    return save({ ...project.value, invert: on })
  }

  /** Changes one class (by index); background and ignore are each held by one class at most. */
  function updateClass(index: number, patch: Partial<Omit<ProjectClass, 'index'>>) {
    if (!project.value) return Promise.resolve(false)
    const classes = project.value.classes.map((c) => {
      if (c.index === index) return { ...c, ...patch }
      if (patch.background) return { ...c, background: false }
      return c
    })
    return save({ ...project.value, classes })
  }

  /** Adds a class after the highest index, with a default name and colour. */
  function addClass(): Promise<boolean> {
    if (!project.value) return Promise.resolve(false)
    const c = newClass(project.value.classes)
    if (c.index > MAX_CLASS_INDEX) {
      error.value = `at most ${MAX_CLASS_INDEX + 1} classes`
      return Promise.resolve(false)
    }
    return save({ ...project.value, classes: [...project.value.classes, c] })
  }

  /** Removes a class from the table (label pixels of that value are left as they are). */
  function removeClass(index: number): Promise<boolean> {
    if (!project.value) return Promise.resolve(false)
    const classes = project.value.classes.filter((c) => c.index !== index)
    return save({ ...project.value, classes })
  }

  /** Name of class `index` (`Class k` when the table has none). */
  function nameOf(index: number): string {
    return classes.value.find((c) => c.index === index)?.name ?? `Class ${index}`
  }

  return {
    root,
    path,
    project,
    seeded,
    loading,
    saving,
    error,
    labelType,
    invert,
    classes,
    paintable,
    eraseValue,
    training,
    load,
    reset,
    save,
    setLabelType,
    setInvert,
    updateClass,
    addClass,
    removeClass,
    nameOf
  }
})

function newClass(classes: readonly ProjectClass[]): ProjectClass {
  const index = classes.reduce((m, c) => Math.max(m, c.index), -1) + 1
  return {
    index,
    name: `Class ${index}`,
    color: defaultClassColor(index),
    background: false,
    ignore: false
  }
}

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useProjectStore, import.meta.hot))
