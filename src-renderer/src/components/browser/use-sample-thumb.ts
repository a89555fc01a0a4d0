import { watchEffect } from 'vue'
import { useDatasetStore } from '../../stores/dataset'

/**
 * Asks for the sample's thumbnail whenever it has none: when its row or tile mounts, and when the
 * list is read again and the row is kept (same id) while the thumbnails were cleared.
 */
export function useSampleThumb(id: () => string): void {
  const dataset = useDatasetStore()
  watchEffect(() => {
    if (!dataset.thumbs[id()]) dataset.requestThumb(id())
  })
}
