/**
 * Editor state (Pinia setup store): tool, brush size, overlay, palette value, display window,
 * history counters and save status. The label itself lives in {@link editorSession}, outside
 * reactivity; this store loads it, saves it (atomically, debounced autosave) and tracks it.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { LabelKind, LabelPayload } from '../../../src-preload/contract'
import { api, callKeepalive } from '../api'
import { base64ToTyped } from '../lib/base64'
import { countInstances } from '../lib/instances'
import { LabelDocument } from '../lib/label-document'
import { encodeLabel } from '../lib/label-payload'
import type { Rect } from '../lib/label-types'
import { fullWindow, percentileWindow } from '../lib/windowing'
import { decodeImagePayload } from './editor-image'
import { editorSession, notifyLabelChange, setEditorSession } from './editor-session'
import { useProjectStore } from './project'

/** Editing tools. */
export type EditorTool = 'brush' | 'eraser' | 'polygon' | 'fill' | 'pick' | 'merge' | 'pan'

/** Autosave fires this long after the last edit. */
export const AUTOSAVE_DELAY_MS = 1500
/** Brush diameter in image pixels at start. */
export const DEFAULT_BRUSH_SIZE = 12
/** Overlay opacity at start. */
export const DEFAULT_OVERLAY_OPACITY = 0.6
/** Brush size range. */
export const BRUSH_SIZE_RANGE: readonly [number, number] = [1, 200]

/** A sample that could not be opened: its id and why (the file and the reason). */
export interface LoadFailure {
  id: string
  message: string
}

/** The editor store. */
export const useEditorStore = defineStore('editor', () => {
  const project = useProjectStore()
  const tool = ref<EditorTool>('brush')
  const brushSize = ref(DEFAULT_BRUSH_SIZE)
  const opacity = ref(DEFAULT_OVERLAY_OPACITY)
  const overlayVisible = ref(true)
  const outline = ref(false)
  const activeValue = ref(1)
  const root = ref<string | null>(null)
  const sampleId = ref<string | null>(null)
  const kind = ref<LabelKind | null>(null)
  const labelSource = ref<LabelPayload['source'] | null>(null)
  const size = ref<{ width: number; height: number; bitDepth: 8 | 16; channels: number } | null>(
    null
  )
  const windowMin = ref(0)
  const windowMax = ref(255)
  const autoWindow = ref(true)
  const loading = ref(false)
  const saving = ref(false)
  const error = ref<string | null>(null)
  const loadFailure = ref<LoadFailure | null>(null)
  const dirty = ref(false)
  const instanceCount = ref(0)
  const undoCount = ref(0)
  const redoCount = ref(0)
  const savedPath = ref<string | null>(null)
  const lastSavedAt = ref<number | null>(null)
  const revision = ref(0)
  const zoom = ref(1)
  const cursor = ref<{ x: number; y: number; value: number } | null>(null)
  let autosaveTimer: ReturnType<typeof setTimeout> | null = null
  let loadSeq = 0
  let saveChain: Promise<void> = Promise.resolve()
  let lastSaveFailed = false

  const canUndo = computed(() => undoCount.value > 0)
  const canRedo = computed(() => redoCount.value > 0)
  const ready = computed(
    () =>
      revision.value > 0 && sampleId.value !== null && !loading.value && loadFailure.value === null
  )
  /** The value the eraser writes: the project's background (or ignored) class for classes, else 0. */
  const eraseValue = computed(() => (kind.value === 'classes' ? project.eraseValue : 0))

  function sync(): void {
    const s = editorSession()
    undoCount.value = s?.doc.history.undoCount ?? 0
    redoCount.value = s?.doc.history.redoCount ?? 0
    dirty.value = s?.doc.dirty ?? false
    instanceCount.value = s?.doc.label.kind === 'instances' ? countInstances(s.doc.label) : 0
  }

  watch(
    () => project.paintable,
    (paintable) => {
      if (kind.value === 'classes' && !paintable.some((c) => c.index === activeValue.value))
        activeValue.value = paintable[0]?.index ?? 1
    }
  )

  /** Call after the canvas committed an edit: updates counters and schedules the autosave. */
  function noteEdit(): void {
    sync()
    scheduleAutosave()
  }

  function scheduleAutosave(): void {
    if (autosaveTimer) clearTimeout(autosaveTimer)
    autosaveTimer = setTimeout(() => {
      autosaveTimer = null
      void save()
    }, AUTOSAVE_DELAY_MS)
  }

  /** Saves the open label if it has unsaved edits (atomic on the main side; one save at a time). */
  function save(): Promise<void> {
    if (autosaveTimer) clearTimeout(autosaveTimer)
    autosaveTimer = null
    saveChain = saveChain.then(saveNow)
    return saveChain
  }

  async function saveNow(): Promise<void> {
    lastSaveFailed = false
    const s = editorSession()
    if (!s || !s.doc.dirty) return
    const state = s.doc.stateId
    const { label } = s.doc
    saving.value = true
    try {
      const res = await api()['label:save']({ root: s.root, id: s.id, ...encodeLabel(label) })
      s.doc.markSaved(state)
      savedPath.value = res.path
      lastSavedAt.value = Date.now()
      labelSource.value = 'edited'
      error.value = null
    } catch (err) {
      lastSaveFailed = true
      error.value = `Could not save the label: ${err instanceof Error ? err.message : String(err)}`
    } finally {
      saving.value = false
      if (editorSession() === s) sync()
    }
  }

  /**
   * Opens sample `id` of the dataset at `datasetRoot`, saving the current one first. When that
   * save fails the current sample stays open (its edits are not dropped) and the error shows.
   * When the new sample cannot be read, nothing stays open: the error view names the file and
   * the reason, and no edit can land anywhere.
   */
  async function open(datasetRoot: string, id: string): Promise<void> {
    const seq = ++loadSeq
    loading.value = true
    try {
      if (!(await saveBeforeSwitch(seq))) return
      error.value = null
      let loaded
      try {
        const [imgPayload, labelPayload] = await Promise.all([
          api()['image:read']({ root: datasetRoot, id }),
          api()['label:read']({ root: datasetRoot, id })
        ])
        loaded = { imgPayload, labelPayload, image: await decodeImagePayload(imgPayload) }
      } catch (err) {
        if (seq !== loadSeq || !(await saveBeforeSwitch(seq))) return
        showFailure(datasetRoot, id, err instanceof Error ? err.message : String(err))
        return
      }
      if (seq !== loadSeq) return
      if (!(await saveBeforeSwitch(seq))) return
      const { imgPayload, labelPayload, image } = loaded
      const data = base64ToTyped(labelPayload.data, labelPayload.bitDepth)
      const { width, height } = labelPayload
      const doc = new LabelDocument({ data, width, height, kind: labelPayload.kind })
      if (datasetRoot !== root.value) resetForDataset()
      setEditorSession({ root: datasetRoot, id, doc, image })
      root.value = datasetRoot
      sampleId.value = id
      loadFailure.value = null
      kind.value = labelPayload.kind
      labelSource.value = labelPayload.source
      savedPath.value = labelPayload.source === 'edited' ? labelPayload.path : null
      size.value = { width, height, bitDepth: image.bitDepth, channels: imgPayload.channels }
      activeValue.value = initialValue(labelPayload.kind, doc)
      if (tool.value === 'merge' && labelPayload.kind !== 'instances') tool.value = 'brush'
      applyAutoWindow(autoWindow.value || image.bitDepth === 16)
      revision.value++
      sync()
    } finally {
      if (seq === loadSeq) loading.value = false
    }
  }

  /** Closes whatever was open and shows why sample `id` could not be opened. */
  function showFailure(datasetRoot: string, id: string, message: string): void {
    if (datasetRoot !== root.value) resetForDataset()
    setEditorSession(null)
    root.value = datasetRoot
    sampleId.value = id
    kind.value = null
    size.value = null
    labelSource.value = null
    savedPath.value = null
    cursor.value = null
    loadFailure.value = { id, message }
    revision.value++
    sync()
  }

  /** The value the brush starts with: a new instance, the foreground, or a class of the project. */
  function initialValue(k: LabelKind, doc: LabelDocument): number {
    if (k === 'instances') return doc.nextInstanceId()
    if (k === 'binary') return 1
    const paintable = project.paintable.map((c) => c.index)
    if (paintable.includes(activeValue.value)) return activeValue.value
    return paintable[0] ?? 1
  }

  /** Forgets what belonged to the previous dataset: active value, tool state, cursor. */
  function resetForDataset(): void {
    activeValue.value = 1
    cursor.value = null
    savedPath.value = null
    lastSavedAt.value = null
    if (tool.value === 'merge') tool.value = 'brush'
  }

  /** Opens sample `id` of `at` anew (after the project's label type or invert changed). */
  async function reopen(at: string, id: string): Promise<void> {
    setEditorSession(null)
    root.value = null
    sampleId.value = null
    await open(at, id)
  }

  /** Opens the current sample again. */
  async function reload(): Promise<void> {
    if (root.value && sampleId.value) await reopen(root.value, sampleId.value)
  }

  /**
   * A prediction of `datasetRoot` finished: the open sample, if it is there and shows no label of
   * its own (nothing stored, or an older prediction) and has no unsaved edits, is read again, so
   * it shows the new prediction without being reopened.
   */
  async function showNewPrediction(datasetRoot: string): Promise<void> {
    const source = labelSource.value
    if (root.value !== datasetRoot || !sampleId.value || editorSession()?.doc.dirty) return
    if (source !== 'empty' && source !== 'predicted') return
    await open(datasetRoot, sampleId.value)
  }

  /**
   * Runs a change of the project that alters how labels read (label type, invert): pending edits
   * are saved first, nothing can be painted while the change is written (an edit then would be
   * read over), and the open sample is read again afterwards.
   */
  async function changeProject(change: () => Promise<boolean>): Promise<boolean> {
    await save()
    if (editorSession()?.doc.dirty) return false
    const at = root.value
    const id = sampleId.value
    if (at && id) {
      loading.value = true
      setEditorSession(null)
      revision.value++
    }
    try {
      return await change()
    } finally {
      if (at && id) await reopen(at, id)
    }
  }

  /**
   * Sends the open label's unsaved edits on a path that outlives the page (tab hidden or
   * closing). Returns whether anything was sent.
   */
  function saveOnHide(): boolean {
    const s = editorSession()
    if (!s || !s.doc.dirty) return false
    if (autosaveTimer) clearTimeout(autosaveTimer)
    autosaveTimer = null
    callKeepalive('label:save', { root: s.root, id: s.id, ...encodeLabel(s.doc.label) })
    return true
  }

  /**
   * Saves the open label before load `seq` replaces it (also edits made while the next image
   * loaded); false when a newer load took over or the save failed (error shown, sample kept).
   */
  async function saveBeforeSwitch(seq: number): Promise<boolean> {
    for (;;) {
      await save()
      if (seq !== loadSeq) return false
      if (!editorSession()?.doc.dirty) return true
      if (lastSaveFailed) break
    }
    error.value = `${error.value ?? 'Could not save the label'} (still showing ${sampleId.value})`
    return false
  }

  /** Keeps the shown prediction, unchanged, as the image's label (saves it now). */
  async function acceptPrediction(): Promise<void> {
    const s = editorSession()
    if (!s || labelSource.value !== 'predicted') return
    s.doc.markUnsaved()
    sync()
    await save()
  }

  /** Saves and closes the open sample (no image selected). */
  async function close(): Promise<void> {
    if (!(await saveBeforeSwitch(++loadSeq))) return
    setEditorSession(null)
    sampleId.value = null
    kind.value = null
    size.value = null
    loadFailure.value = null
    loading.value = false
    revision.value++
    sync()
  }

  /** Sets the display window from percentiles (auto) or the full range of the bit depth. */
  function applyAutoWindow(auto: boolean): void {
    const s = editorSession()
    if (!s) return
    autoWindow.value = auto
    const win = auto ? percentileWindow(s.image) : fullWindow(s.image.bitDepth)
    windowMin.value = win.min
    windowMax.value = win.max
  }

  /** Sets a manual display window. */
  function setWindow(min: number, max: number): void {
    autoWindow.value = false
    windowMin.value = Math.min(min, max - 1)
    windowMax.value = Math.max(max, min + 1)
  }

  function afterChange(rect: Rect | null): void {
    if (!rect) return
    notifyLabelChange(rect)
    noteEdit()
  }

  /** Undoes the last edit. */
  function undo(): void {
    afterChange(editorSession()?.doc.undo() ?? null)
  }

  /** Redoes the last undone edit. */
  function redo(): void {
    afterChange(editorSession()?.doc.redo() ?? null)
  }

  /** Deletes the active instance (instance labels) or clears the active class to the background. */
  function deleteActive(): void {
    const doc = editorSession()?.doc
    if (!doc || activeValue.value === eraseValue.value) return
    if (doc.label.kind === 'classes')
      afterChange(doc.replaceValue(activeValue.value, eraseValue.value))
    else if (activeValue.value !== 0) afterChange(doc.deleteInstance(activeValue.value))
    if (doc.label.kind === 'instances') activeValue.value = doc.nextInstanceId()
  }

  /** Handles a click of the pick/merge tools on label value `value`. */
  function pick(value: number, merge: boolean): void {
    const doc = editorSession()?.doc
    if (!doc || doc.label.kind === 'binary') return
    if (doc.label.kind === 'instances' && value === 0) return
    if (merge && doc.label.kind === 'instances') {
      if (activeValue.value !== value) afterChange(doc.mergeInstance(value, activeValue.value))
      return
    }
    activeValue.value = value
  }

  /** Starts a new instance: the brush paints a fresh id. */
  function newInstance(): void {
    const doc = editorSession()?.doc
    if (doc?.label.kind === 'instances') activeValue.value = doc.nextInstanceId()
  }

  /** Sets the brush size, clamped to {@link BRUSH_SIZE_RANGE}. */
  function setBrushSize(px: number): void {
    const [lo, hi] = BRUSH_SIZE_RANGE
    brushSize.value = Math.round(Math.min(hi, Math.max(lo, px)))
  }

  return {
    tool,
    brushSize,
    opacity,
    overlayVisible,
    outline,
    activeValue,
    root,
    sampleId,
    kind,
    labelSource,
    size,
    windowMin,
    windowMax,
    autoWindow,
    loading,
    saving,
    error,
    loadFailure,
    dirty,
    instanceCount,
    eraseValue,
    undoCount,
    redoCount,
    savedPath,
    lastSavedAt,
    revision,
    zoom,
    cursor,
    canUndo,
    canRedo,
    ready,
    noteEdit,
    save,
    saveOnHide,
    acceptPrediction,
    open,
    reload,
    showNewPrediction,
    changeProject,
    close,
    applyAutoWindow,
    setWindow,
    undo,
    redo,
    deleteActive,
    pick,
    newInstance,
    setBrushSize
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEditorStore, import.meta.hot))
