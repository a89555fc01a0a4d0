/** Post-processing of model outputs: pure typed-array code, no tfjs. */
export * from './components'
export * from './distance'
export * from './instance-metrics'
export * from './markers'
export * from './postprocess'
export * from './split-touching'
export * from './threshold'
export * from './watershed'
