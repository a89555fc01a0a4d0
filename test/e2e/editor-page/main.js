// The editor alone, for the end-to-end test: `?root=<dataset>&id=<sample>` picks the sample and
// `window.selectSample(id)` switches images the way the app's sample list does.
import { createPinia } from 'pinia'
import { createApp, h } from 'vue'
import EditorView from '../../../src-renderer/src/components/editor/EditorView.vue'
import { useDatasetStore } from './dataset-store.js'

const app = createApp({ render: () => h('div', { style: 'height: 100vh' }, [h(EditorView)]) })
app.use(createPinia()).mount('#app')
const dataset = useDatasetStore()
const params = new URLSearchParams(location.search)
dataset.root = params.get('root')
dataset.selectedId = params.get('id')
window.selectSample = (id) => {
  dataset.selectedId = id
}
