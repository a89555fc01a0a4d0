/** Default architecture for new runs. */
export const DEFAULT_ARCH = 'unet'
/** Default square patch size in pixels. */
export const DEFAULT_SIZE = 96
/** Default number of filters on the first level (doubled per level). */
export const DEFAULT_BASE = 16
/** Default number of pooling steps. */
export const DEFAULT_DEPTH = 4
/** Default number of epochs. */
export const DEFAULT_EPOCHS = 40
/** Default random patches per training image per epoch. */
export const DEFAULT_PATCHES = 4
/** Default batch size. */
export const DEFAULT_BATCH = 8
/** Default learning rate. */
export const DEFAULT_LR = 1e-3
/** Default loss for binary segmentation. */
export const DEFAULT_LOSS = 'bce-dice'
/** Default fraction of images held out for validation. */
export const DEFAULT_VAL_FRACTION = 0.2
/** Default seed for split, initialisation, patches and augmentation. */
export const DEFAULT_SEED = 41
/** Default class index ignored by multi-class losses and metrics (none). */
export const DEFAULT_IGNORE_INDEX = -1
/** Threshold on the sigmoid probability for binary masks. */
export const DEFAULT_THRESHOLD = 0.5
/** Epsilon of the soft Dice loss. */
export const DICE_SMOOTH = 1
/** Version of the run folder format written to config.json. */
export const RUN_FORMAT_VERSION = 1
