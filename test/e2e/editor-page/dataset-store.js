// Stand-in for the app's dataset store: just the two fields the editor reads.
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const useDatasetStore = defineStore('dataset', () => ({
  root: ref(null),
  selectedId: ref(null)
}))
