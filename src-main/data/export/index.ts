/** Writing prediction results: masks, instance maps, overlays, measurements and counts. */
export * from './csv'
export * from './gallery'
export * from './list-images'
export * from './measure'
export * from './outputs'
export * from './overlay'
