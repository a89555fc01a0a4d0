/**
 * What a model learns (a label's kind) and, for instances, how it separates touching objects:
 * shared by the training options, the contract and the engine.
 */

export { LABEL_KINDS, type LabelKind } from '../project'

/**
 * How an instance model separates touching objects: 'boundary' (3-class background / interior /
 * boundary, softmax), 'distance' (foreground plus each object's normalised distance to its border,
 * two sigmoids) or 'both' (the 3 classes plus the distance).
 */
export const SEPARATIONS = ['boundary', 'distance', 'both'] as const
/** How an instance model separates touching objects. */
export type Separation = (typeof SEPARATIONS)[number]
