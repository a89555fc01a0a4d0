import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import EditorToolbar from '@renderer/components/editor/EditorToolbar.vue'
import LabelPanel from '@renderer/components/editor/LabelPanel.vue'
import { useEditorStore } from '@renderer/stores/editor'
import { useProjectStore } from '@renderer/stores/project'

describe('editor toolbar and palette', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('switches tools, shows merge only for instance labels, and reflects the save state', async () => {
    const editor = useEditorStore()
    editor.kind = 'binary'
    const bar = mount(EditorToolbar)
    expect(bar.find('[data-testid="tool-merge"]').exists()).toBe(false)
    await bar.get('[data-testid="tool-polygon"]').trigger('click')
    expect(editor.tool).toBe('polygon')
    expect(bar.get('[data-testid="tool-polygon"]').attributes('aria-pressed')).toBe('true')
    expect(bar.get('[data-testid="save-state"]').text()).toBe('No edits')
    editor.dirty = true
    editor.kind = 'instances'
    await bar.vm.$nextTick()
    expect(bar.get('[data-testid="save-state"]').text()).toBe('Unsaved')
    expect(bar.find('[data-testid="tool-merge"]').exists()).toBe(true)
    expect(bar.get('[data-testid="undo"]').attributes('disabled')).toBeDefined()
  })

  it('moves controls into the menu when its content grows without the toolbar resizing', async () => {
    const editor = useEditorStore()
    editor.kind = 'binary'
    const bar = mount(EditorToolbar, { attachTo: document.body })
    const el = bar.get('[role="toolbar"]').element as HTMLElement
    // widths in a 510 px toolbar: 40 per tool button, view controls 300, history 120, save 90
    const width = (sel: string, w: number) => el.querySelectorAll(sel).length * w
    Object.defineProperty(el, 'clientWidth', { get: () => 510 })
    Object.defineProperty(el, 'scrollWidth', {
      get: () =>
        width(':scope > .group > .tool', 40) +
        width(':scope > .more', 40) +
        width(':scope > .view', 300) +
        width(':scope > .history', 120) +
        width(':scope > .save', 90)
    })
    editor.dirty = true
    await flushPromises()
    expect(bar.find('[data-testid="toolbar-more"]').exists()).toBe(true)
    expect(bar.find('[data-testid="undo"]').exists()).toBe(true)
    editor.kind = 'instances'
    await flushPromises()
    expect(bar.find('[data-testid="tool-merge"]').exists()).toBe(true)
    expect(bar.find('[data-testid="undo"]').exists()).toBe(false)
    bar.unmount()
  })

  it("lists the project's named classes (class 0 paintable, ignored shown) and selects one on click", async () => {
    const editor = useEditorStore()
    const project = useProjectStore()
    project.project = {
      version: 1,
      labelType: 'classes',
      invert: false,
      classesFrom: 'classes.csv',
      classes: [
        { index: 0, name: 'Sky', color: [128, 128, 128], background: false, ignore: false },
        { index: 1, name: 'Building', color: [128, 0, 0], background: false, ignore: false },
        { index: 2, name: 'Pole', color: [192, 192, 128], background: false, ignore: false },
        { index: 11, name: 'Unlabelled', color: [0, 0, 0], background: false, ignore: true }
      ]
    }
    editor.kind = 'classes'
    const panel = mount(LabelPanel)
    const names = panel.findAll('[data-testid="class-name"]').map((n) => n.text())
    expect(names).toEqual(['Sky', 'Building', 'Pole', 'Unlabelled'])
    await panel.get('[data-testid="class-row"][data-index="2"]').trigger('click')
    expect(editor.activeValue).toBe(2)
    expect(editor.eraseValue).toBe(11)
    expect(panel.get('[data-testid="label-kind-classes"]').attributes('aria-pressed')).toBe('true')
  })
})
