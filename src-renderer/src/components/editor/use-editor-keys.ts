/** Keyboard shortcuts of the editor (active while the editor is mounted). */
import { onBeforeUnmount, onMounted } from 'vue'
import type { EditorStage } from '../../canvas/editor-stage'
import { useEditorStore, type EditorTool } from '../../stores/editor'
import { useProjectStore } from '../../stores/project'

const TOOL_KEYS: Record<string, EditorTool> = {
  b: 'brush',
  e: 'eraser',
  p: 'polygon',
  l: 'polygon',
  f: 'fill',
  g: 'fill',
  i: 'pick',
  m: 'merge',
  h: 'pan'
}

const NON_TEXT_INPUTS = new Set(['range', 'checkbox', 'radio', 'button'])

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null
  if (!t) return false
  if (t.tagName === 'INPUT') return !NON_TEXT_INPUTS.has((t as HTMLInputElement).type)
  return t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT'
}

/** Binds undo/redo, tool keys, brush size, zoom, space-to-pan and polygon keys. */
export function useEditorKeys(stage: () => EditorStage | null): void {
  const editor = useEditorStore()
  const project = useProjectStore()

  /** Key k paints the k-th class of the class panel (background left out). */
  function classKey(k: number): void {
    const c = project.paintable[k - 1]
    if (c) editor.activeValue = c.index
  }

  function down(e: KeyboardEvent): void {
    if (typing(e) || !editor.sampleId) return
    const mod = e.ctrlKey || e.metaKey
    const key = e.key.toLowerCase()
    if (mod && key === 'z') editor[e.shiftKey ? 'redo' : 'undo']()
    else if (mod && key === 'y') editor.redo()
    else if (mod && key === 's') void editor.save()
    else if (mod || e.altKey) return
    else if (e.key === ' ') stage()?.setSpaceHeld(true)
    else if (TOOL_KEYS[key] && (key !== 'm' || editor.kind === 'instances'))
      editor.tool = TOOL_KEYS[key]
    else if (e.key === '[')
      editor.setBrushSize(editor.brushSize - Math.max(1, editor.brushSize * 0.15))
    else if (e.key === ']')
      editor.setBrushSize(editor.brushSize + Math.max(1, editor.brushSize * 0.15))
    else if (e.key === '0') stage()?.fit()
    else if (e.key === '+' || e.key === '=') stage()?.zoomBy(1.25)
    else if (e.key === '-') stage()?.zoomBy(0.8)
    else if (key === 'o') editor.overlayVisible = !editor.overlayVisible
    else if (key === 'u') editor.outline = !editor.outline
    else if (key === 'n') editor.newInstance()
    else if (e.key === 'Delete' || e.key === 'Backspace') editor.deleteActive()
    else if (e.key === 'Enter') stage()?.finishPolygon()
    else if (e.key === 'Escape') stage()?.cancelPolygon()
    else if (/^[1-9]$/.test(e.key) && editor.kind === 'classes') classKey(Number(e.key))
    else return
    e.preventDefault()
  }

  function up(e: KeyboardEvent): void {
    if (e.key !== ' ' || typing(e)) return
    stage()?.setSpaceHeld(false)
    e.preventDefault()
  }

  onMounted(() => {
    window.addEventListener('keydown', down)
    window.addEventListener('keyup', up)
  })
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', down)
    window.removeEventListener('keyup', up)
  })
}
