import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Api, ChannelArg } from '../../../src-preload/contract'
import { unzlibSync } from 'fflate'
import { base64ToBytes, typedToBase64 } from '@renderer/lib/base64'

const saved: ChannelArg<'label:save'>[] = []
const keptAlive: ChannelArg<'label:save'>[] = []
const labels = new Map<string, Uint16Array>()
let imageGate: Promise<void> | null = null

/** What the host received: the label's samples, inflated as the host does. */
function savedData(arg: ChannelArg<'label:save'>): Uint16Array {
  const bytes = unzlibSync(base64ToBytes(arg.data))
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1)
}

function fakeApi(): Partial<Api> {
  return {
    'image:read': async ({ id }) => {
      await imageGate
      const px = new Uint16Array(64 * 32).map((_, i) => 1000 + (i % 64) * 10)
      return {
        id,
        format: 'raw',
        data: typedToBase64(px),
        width: 64,
        height: 32,
        channels: 1,
        bitDepth: 16
      }
    },
    'label:read': async ({ id }) => {
      if (id === 'wrong-size')
        throw new Error('/data/masks/wrong-size.png: label is 32x32 but its image is 64x32')
      return {
        id,
        data: typedToBase64(labels.get(id)!),
        width: 64,
        height: 32,
        kind: 'instances',
        bitDepth: 16,
        source: id === 'empty' ? 'empty' : 'dataset',
        path: null
      }
    },
    'label:save': async (arg) => {
      saved.push(arg)
      return { path: `/data/.unet-studio/labels/${arg.id}.png` }
    }
  }
}

vi.mock('@renderer/api', () => ({
  api: () => fakeApi(),
  callKeepalive: (_channel: string, arg: ChannelArg<'label:save'>) => keptAlive.push(arg)
}))

const { useEditorStore, AUTOSAVE_DELAY_MS } = await import('@renderer/stores/editor')
const { editorSession, onLabelChange } = await import('@renderer/stores/editor-session')

describe('editor store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    saved.length = 0
    keptAlive.length = 0
    labels.set('empty', new Uint16Array(64 * 32))
    for (const id of ['a', 'b']) {
      const l = new Uint16Array(64 * 32)
      l.fill(3, 0, 10)
      l.fill(9, 100, 110)
      labels.set(id, l)
    }
  })

  it('opens a sample: label outside reactivity, auto window for 16-bit, next instance id', async () => {
    const editor = useEditorStore()
    await editor.open('/data', 'a')
    const s = editorSession()!
    expect(s.doc.label.kind).toBe('instances')
    expect(editor.kind).toBe('instances')
    expect(editor.activeValue).toBe(10)
    expect(editor.windowMin).toBeGreaterThanOrEqual(1000)
    expect(editor.windowMax).toBeLessThanOrEqual(1630)
    expect(editor.windowMax).toBeGreaterThan(1500)
    expect(editor.size).toEqual({ width: 64, height: 32, bitDepth: 16, channels: 1 })
  })

  it('autosaves once, AUTOSAVE_DELAY_MS after the last edit, and tracks dirty/undo/redo', async () => {
    vi.useFakeTimers()
    try {
      const editor = useEditorStore()
      await editor.open('/data', 'a')
      const { doc } = editorSession()!
      doc.stroke(30, 20, 40, 20, 3, editor.activeValue)
      doc.commit()
      editor.noteEdit()
      expect(editor.dirty).toBe(true)
      expect(editor.canUndo).toBe(true)
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 200)
      doc.stroke(30, 25, 40, 25, 3, editor.activeValue)
      doc.commit()
      editor.noteEdit()
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 200)
      expect(saved).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(400)
      expect(saved).toHaveLength(1)
      expect(editor.dirty).toBe(false)
      const data = savedData(saved[0])
      expect(data[20 * 64 + 35]).toBe(10)
      expect(saved[0]).toMatchObject({ root: '/data', id: 'a', kind: 'instances', bitDepth: 16 })

      const rects: unknown[] = []
      const off = onLabelChange((r) => rects.push(r))
      editor.undo()
      expect(editor.dirty).toBe(true)
      expect(editor.canRedo).toBe(true)
      expect(rects).toHaveLength(1)
      editor.redo()
      expect(editor.dirty).toBe(false)
      off()
    } finally {
      vi.useRealTimers()
    }
  })

  it('saves the current label before switching to another image', async () => {
    const editor = useEditorStore()
    await editor.open('/data', 'a')
    editorSession()!.doc.stroke(5, 5, 5, 5, 2, 4)
    editorSession()!.doc.commit()
    editor.noteEdit()
    await editor.open('/data', 'b')
    expect(saved.map((s) => s.id)).toEqual(['a'])
    expect(editor.sampleId).toBe('b')
    expect(editor.dirty).toBe(false)
  })

  it('is not ready while switching, and saves edits made while the next image loads', async () => {
    const editor = useEditorStore()
    await editor.open('/data', 'a')
    let release = (): void => {}
    imageGate = new Promise((r) => (release = r))
    const switching = editor.open('/data', 'b')
    expect(editor.ready).toBe(false)
    await vi.waitFor(() => expect(editor.saving).toBe(false))
    editorSession()!.doc.stroke(7, 7, 7, 7, 2, 5)
    editorSession()!.doc.commit()
    editor.noteEdit()
    release()
    imageGate = null
    await switching
    expect(saved.map((s) => [s.id, savedData(s)[7 * 64 + 7]])).toEqual([['a', 5]])
    expect(editor.sampleId).toBe('b')
  })

  it('picks, merges and deletes instances as undoable edits', async () => {
    const editor = useEditorStore()
    await editor.open('/data', 'a')
    const { doc } = editorSession()!
    editor.pick(3, false)
    expect(editor.activeValue).toBe(3)
    editor.pick(9, true)
    expect(doc.label.data[105]).toBe(3)
    editor.deleteActive()
    expect(doc.label.data[0]).toBe(0)
    expect(doc.label.data[105]).toBe(0)
    editor.undo()
    editor.undo()
    expect(doc.label.data[105]).toBe(9)
    expect(doc.label.data[0]).toBe(3)
  })

  it('shows why a sample cannot be opened, keeps nothing open, and never saves to another image', async () => {
    const editor = useEditorStore()
    await editor.open('/data', 'a')
    editorSession()!.doc.stroke(5, 5, 5, 5, 2, 4)
    editorSession()!.doc.commit()
    editor.noteEdit()
    await editor.open('/data', 'wrong-size')
    expect(saved.map((s) => s.id)).toEqual(['a'])
    expect(editorSession()).toBeNull()
    expect(editor.sampleId).toBe('wrong-size')
    expect(editor.ready).toBe(false)
    expect(editor.loadFailure).toEqual({
      id: 'wrong-size',
      message: '/data/masks/wrong-size.png: label is 32x32 but its image is 64x32'
    })
    editor.undo()
    editor.deleteActive()
    await editor.save()
    expect(editor.saveOnHide()).toBe(false)
    expect(saved.map((s) => s.id)).toEqual(['a'])
    await editor.open('/data', 'b')
    expect(editor.loadFailure).toBeNull()
    expect(editorSession()!.id).toBe('b')
  })

  it('sends unsaved edits on the keepalive path when the page hides, for the image they were made on', async () => {
    const editor = useEditorStore()
    await editor.open('/data', 'a')
    expect(editor.saveOnHide()).toBe(false)
    editorSession()!.doc.stroke(9, 9, 9, 9, 2, 7)
    editorSession()!.doc.commit()
    editor.noteEdit()
    expect(editor.saveOnHide()).toBe(true)
    expect(keptAlive).toHaveLength(1)
    expect(keptAlive[0]).toMatchObject({
      root: '/data',
      id: 'a',
      encoding: 'deflate',
      bitDepth: 16
    })
    expect(savedData(keptAlive[0])[9 * 64 + 9]).toBe(7)
  })

  it('changing the label type saves first, allows no edit meanwhile, and reopens the sample', async () => {
    const editor = useEditorStore()
    await editor.open('/data', 'a')
    editorSession()!.doc.stroke(2, 2, 2, 2, 2, 6)
    editorSession()!.doc.commit()
    editor.noteEdit()
    const changed = await editor.changeProject(async () => {
      expect(saved.at(-1)).toMatchObject({ id: 'a' })
      expect(savedData(saved.at(-1)!)[2 * 64 + 2]).toBe(6)
      expect(editorSession()).toBeNull()
      expect(editor.ready).toBe(false)
      return true
    })
    expect(changed).toBe(true)
    expect(editorSession()!.id).toBe('a')
    expect(editor.ready).toBe(true)
  })
})
