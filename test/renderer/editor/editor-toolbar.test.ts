import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import EditorToolbar from '@renderer/components/editor/EditorToolbar.vue'
import LabelPanel from '@renderer/components/editor/LabelPanel.vue'
import { useEditorStore } from '@renderer/stores/editor'

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

  it('lists classes and selects one on click', async () => {
    const editor = useEditorStore()
    editor.kind = 'classes'
    editor.classCount = 11
    const panel = mount(LabelPanel)
    expect(panel.findAll('[data-testid^="class-"]')).toHaveLength(11)
    await panel.get('[data-testid="class-4"]').trigger('click')
    expect(editor.activeValue).toBe(4)
  })
})
