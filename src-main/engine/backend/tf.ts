/**
 * The one place that imports TensorFlow.js. Every other engine file does
 * `import { tf } from './tf'` so the backend chooser controls which engine runs.
 */
import * as tf from '@tensorflow/tfjs'

export { tf }
