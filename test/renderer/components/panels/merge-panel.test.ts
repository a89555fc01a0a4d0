import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import MergePanel from '../../../../src-renderer/src/components/panels/MergePanel.vue'
import { setApi } from '../../../../src-renderer/src/stores/app'
import { useDatasetStore } from '../../../../src-renderer/src/stores/dataset'
import { datasetInfo, fakeApi } from '../../fake-api'

/** The panel with a dataset of `layout` open, `labelled` of its 3 images labelled. */
async function panelFor(layout: string, labelled: number) {
  const info = {
    ...datasetInfo(3),
    layout,
    counts: { labelled, unlabelled: 3 - labelled, edited: 0, predicted: 0 }
  }
  setApi(fakeApi({ 'dataset:open': info, 'dataset:thumbnail': { png: 'AAAA' } }))
  await useDatasetStore().open('/data/x')
  return mount(MergePanel)
}

describe('MergePanel', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => setApi(null))

  it('says a folder with one label per image has nothing to merge', async () => {
    const wrapper = await panelFor('flat-pairs', 3)
    expect(wrapper.find('[data-testid="merge-na"]').text()).toMatch(
      /already has one label per image/
    )
    expect(wrapper.find('[data-testid="merge-start"]').attributes('disabled')).toBeDefined()
  })

  it('says a folder of images alone has no mask files, painted labels or not', async () => {
    for (const labelled of [0, 2]) {
      const wrapper = await panelFor('images-only', labelled)
      const text = wrapper.find('[data-testid="merge-na"]').text()
      expect(text).toMatch(/This folder has no mask files \(images only\): nothing to merge/)
      expect(text).not.toMatch(/already has one label/)
    }
  })
})
