/** What each Train form field means, in a sentence or two (shown under the field on focus and as its tooltip). */
export const TRAIN_HELP = {
  size: 'Side of the square crops the model learns from, in pixels (a multiple of 2^depth). Larger patches see more context but train slower; 96–256 is typical.',
  base: 'Filters in the first layer, doubled at each level. 16 is small and fast, 32–64 is the original U-Net.',
  depth:
    'How many times the image is halved. Deeper sees larger structures; the patch size must be divisible by 2^depth.',
  epochs: 'Passes over the training images.',
  patches:
    'Random crops taken from each training image per epoch (more crops = longer epochs, more variety).',
  batch: 'Patches per optimisation step. Lower it if memory runs short.',
  lr: 'Learning rate of the optimiser (Adam). 1e-3 is a good start; lower it if the loss jumps or becomes NaN.',
  val: 'Share of the labelled images held out to score the model each epoch (never trained on). 0.2 = one in five.',
  splitMode:
    'Which images are held out: random, or one contiguous block of names (serial sections, video frames, where neighbours look alike).',
  seed: 'Fixes the split, the crops and the augmentation, so a run can be repeated.',
  polarity:
    'Inverts each image whose background is brighter than its objects (brightfield, stained) before training and prediction, so objects are bright in every image: for folders that mix such images with fluorescence.',
  separation:
    'Instance labels: split touching objects after prediction (a binary foreground and a distance watershed; the best on DSB2018 nuclei so far), or train the model to separate them: boundary classes (background / interior / border), the distance to the border, or both.',
  touchWeight:
    "Extra loss weight where two objects nearly touch (the U-Net paper's weight map), so the model learns the thin gaps between them; 0 turns it off.",
  touchSigma: 'How fast that extra weight fades with the distance to the two objects, in pixels.',
  distanceCap:
    'The distance target counts at most this many pixels from the border (large objects get a core of 1s); 0 = each object scaled by its own largest distance.',
  loss: 'What the model minimises. Binary: BCE, Dice or both; multi-class: cross-entropy (with ignored pixels and class weights), focal or Dice.',
  ignore: 'Label value left out of the loss and the scores (e.g. unlabelled or void pixels).',
  classWeights:
    'Weights per class in the loss; "balanced" gives rare classes more weight (median frequency).',
  invert:
    'Binary masks whose objects are the dark (0) pixels, e.g. EM membranes: train on the inverted mask.',
  augment:
    'Random changes applied to each training patch (image and label alike), so the model does not learn by heart.',
  schedule:
    'How the learning rate changes: constant; cosine (down to the lowest rate by the last epoch, steadier); plateau (cut when the validation loss stops improving).',
  minLr: 'Where the cosine schedule ends, and the floor of the plateau schedule.',
  plateauPatience: 'Epochs without a better validation loss before the rate is cut.',
  plateauFactor: 'What the rate is multiplied by at each cut (0.5 halves it).',
  optimizer:
    'Adam adapts the step per weight and suits most runs; SGD and RMSprop take a momentum.',
  momentum: 'Share of the previous step kept in the next (SGD, RMSprop).',
  earlyStop: 'Stop after this many epochs without a better validation loss; 0 = never.',
  dropout:
    "Share of the deepest blocks' activations dropped while training (0 = none; 0.1–0.5 against over-fitting on few images).",
  upsample:
    'How the decoder doubles the size: bilinear (no weights, loads in plain TensorFlow.js) or a learned 2×2 transposed convolution.',
  objectPatches:
    'Share of the patches centred on a labelled pixel instead of anywhere (0..1): for sparse objects on large images.',
  valTiles: 'Validation tiles scored per image each epoch, spread evenly; 0 = every tile.',
  previews: 'Validation images shown below the charts after each epoch; 0 = none.',
  limit:
    'Train on at most this many images of the dataset (the first by name; the split is made among them); 0 = all. For a quick trial run.',
  focalGamma: 'How strongly the focal loss favours hard pixels (0 = cross-entropy).',
  batchNorm: 'Batch normalisation after each convolution (faster, steadier training).',
  resize: 'Train on each whole image scaled to the patch size instead of native-resolution crops.',
  deepSupervision: 'UNet++: learn from every nested decoder output, not only the last.'
} as const

/** A field of the Train form that has help. */
export type TrainHelpField = keyof typeof TRAIN_HELP
