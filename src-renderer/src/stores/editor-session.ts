/**
 * The label and image being edited, held in a plain module-level object (never reactive: a
 * 1024² label is a million pixels, and Vue must not proxy it). Views subscribe to changes by
 * rectangle so they redraw only what changed.
 */
import type { LabelDocument } from '../lib/label-document'
import type { Rect } from '../lib/label-types'
import type { ImagePixels } from '../lib/windowing'

/** One open sample in the editor. */
export interface EditorSession {
  root: string
  id: string
  doc: LabelDocument
  image: ImagePixels
}

type Listener = (rect: Rect | null) => void

const state: { current: EditorSession | null; listeners: Set<Listener> } = {
  current: null,
  listeners: new Set()
}

/** The open session, or `null`. */
export function editorSession(): EditorSession | null {
  return state.current
}

/** Replaces the open session (listeners get a full redraw). */
export function setEditorSession(session: EditorSession | null): void {
  state.current = session
  notifyLabelChange(null)
}

/** Tells views that the label changed inside `rect` (`null`: everything). */
export function notifyLabelChange(rect: Rect | null): void {
  for (const listener of state.listeners) listener(rect)
}

/** Subscribes to label changes; returns the unsubscribe function. */
export function onLabelChange(listener: Listener): () => void {
  state.listeners.add(listener)
  return () => state.listeners.delete(listener)
}
