/** Epsilon of the soft Dice loss. */
export const DICE_SMOOTH = 1
/** Version of the run folder format written to config.json. */
export const RUN_FORMAT_VERSION = 1
