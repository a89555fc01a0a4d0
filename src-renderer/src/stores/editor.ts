/**
 * Editor state (Pinia setup store): tool, brush size, overlay, palette value, display window,
 * history counters and save status. The label itself lives in {@link editorSession}, outside
 * reactivity; this store loads it, saves it (atomically, debounced autosave) and tracks it.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { LabelKind, LabelPayload } from '../../../src-preload/contract'
import { api } from '../api'
import { base64ToTyped, typedToBase64 } from '../lib/base64'
import { countInstances } from '../lib/instances'
import { LabelDocument } from '../lib/label-document'
import { createLabel, type Rect } from '../lib/label-types'
import { fullWindow, percentileWindow } from '../lib/windowing'
import { decodeImagePayload } from './editor-image'
import { editorSession, notifyLabelChange, setEditorSession } from './editor-session'

/** Editing tools. */
export type EditorTool = 'brush' | 'eraser' | 'polygon' | 'fill' | 'pick' | 'merge' | 'pan'

/** Autosave fires this long after the last edit. */
export const AUTOSAVE_DELAY_MS = 1500
/** Brush diameter in image pixels at start. */
export const DEFAULT_BRUSH_SIZE = 12
/** Overlay opacity at start. */
export const DEFAULT_OVERLAY_OPACITY = 0.6
/** Classes offered in the palette at least (more when the label uses more). */
export const DEFAULT_CLASS_COUNT = 6
/** Brush size range. */
export const BRUSH_SIZE_RANGE: readonly [number, number] = [1, 200]

export const useEditorStore = defineStore('editor', () => {
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
  const dirty = ref(false)
  const instanceCount = ref(0)
  const classCount = ref(DEFAULT_CLASS_COUNT)
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

  const canChangeKind = computed(
    () => labelSource.value === 'empty' && undoCount.value === 0 && redoCount.value === 0
  )
  const canUndo = computed(() => undoCount.value > 0)
  const canRedo = computed(() => redoCount.value > 0)
  const ready = computed(() => revision.value > 0 && sampleId.value !== null && !loading.value)

  function sync(): void {
    const s = editorSession()
    undoCount.value = s?.doc.history.undoCount ?? 0
    redoCount.value = s?.doc.history.redoCount ?? 0
    dirty.value = s?.doc.dirty ?? false
    instanceCount.value = s?.doc.label.kind === 'instances' ? countInstances(s.doc.label) : 0
  }

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
      const res = await api()['label:save']({
        root: s.root,
        id: s.id,
        data: typedToBase64(label.data),
        width: label.width,
        height: label.height,
        kind: label.kind,
        bitDepth: label.data instanceof Uint16Array ? 16 : 8
      })
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
   */
  async function open(datasetRoot: string, id: string): Promise<void> {
    const seq = ++loadSeq
    loading.value = true
    try {
      if (!(await saveBeforeSwitch(seq))) return
      error.value = null
      const [imgPayload, labelPayload] = await Promise.all([
        api()['image:read']({ root: datasetRoot, id }),
        api()['label:read']({ root: datasetRoot, id })
      ])
      const image = await decodeImagePayload(imgPayload)
      if (seq !== loadSeq) return
      if (!(await saveBeforeSwitch(seq))) return
      const data = base64ToTyped(labelPayload.data, labelPayload.bitDepth)
      const { width, height } = labelPayload
      const doc = new LabelDocument({ data, width, height, kind: labelPayload.kind })
      setEditorSession({ root: datasetRoot, id, doc, image })
      root.value = datasetRoot
      sampleId.value = id
      kind.value = labelPayload.kind
      labelSource.value = labelPayload.source
      savedPath.value = labelPayload.source === 'edited' ? labelPayload.path : null
      size.value = { width, height, bitDepth: image.bitDepth, channels: imgPayload.channels }
      classCount.value = Math.max(DEFAULT_CLASS_COUNT, doc.nextInstanceId() - 1)
      if (labelPayload.kind === 'instances') activeValue.value = doc.nextInstanceId()
      else if (labelPayload.kind === 'binary' || activeValue.value < 1) activeValue.value = 1
      if (tool.value === 'merge' && labelPayload.kind !== 'instances') tool.value = 'brush'
      applyAutoWindow(autoWindow.value || image.bitDepth === 16)
      revision.value++
      sync()
    } catch (err) {
      if (seq === loadSeq) error.value = err instanceof Error ? err.message : String(err)
    } finally {
      if (seq === loadSeq) loading.value = false
    }
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

  /** Saves and closes the open sample (no image selected). */
  async function close(): Promise<void> {
    if (!(await saveBeforeSwitch(++loadSeq))) return
    setEditorSession(null)
    sampleId.value = null
    kind.value = null
    size.value = null
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

  /** Deletes the active instance (instance labels) or clears the active class. */
  function deleteActive(): void {
    const doc = editorSession()?.doc
    if (!doc || activeValue.value === 0) return
    afterChange(doc.deleteInstance(activeValue.value))
    if (doc.label.kind === 'instances') activeValue.value = doc.nextInstanceId()
  }

  /** Changes what a still-empty, unedited label holds (binary, classes or instances). */
  function setEmptyKind(next: LabelKind): void {
    const s = editorSession()
    if (!s || !canChangeKind.value || s.doc.label.kind === next) return
    const { width, height } = s.doc.label
    const doc = new LabelDocument(createLabel(width, height, next))
    setEditorSession({ ...s, doc })
    kind.value = next
    activeValue.value = 1
    revision.value++
    sync()
  }

  /** Handles a click of the pick/merge tools on label value `value`. */
  function pick(value: number, merge: boolean): void {
    const doc = editorSession()?.doc
    if (!doc || value === 0 || doc.label.kind === 'binary') return
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
    dirty,
    instanceCount,
    classCount,
    undoCount,
    redoCount,
    savedPath,
    lastSavedAt,
    revision,
    zoom,
    cursor,
    canUndo,
    canRedo,
    canChangeKind,
    setEmptyKind,
    ready,
    noteEdit,
    save,
    open,
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
