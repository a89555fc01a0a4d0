import { mount } from '@vue/test-utils'
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
