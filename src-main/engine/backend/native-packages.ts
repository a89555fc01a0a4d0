/**
 * Why a native tfjs package (tfjs-node / tfjs-node-gpu) could not be used, in words a user can act
 * on: not installed, or installed but a shared library (CUDA, cuDNN, libtensorflow) is missing.
 */

const MISSING_LIB = [
  /(lib[\w+-]+(?:\.[\w+-]+)*\.so(?:\.[\d.]+)?): cannot open shared object file/,
  /Could not load dynamic library '([^']+)'/,
  /Library not loaded: (\S+)/,
  /dlopen\([^)]*?([\w.+-]+\.(?:so|dylib|dll)(?:\.[\d.]+)?)/
]

/** The shared libraries named as missing in a dlopen / TF loader message, in order, unique. */
export function missingLibraries(message: string): string[] {
  const found: string[] = []
  for (const line of message.split('\n')) {
    for (const pattern of MISSING_LIB) {
      const m = pattern.exec(line)
      if (m && !found.includes(m[1])) found.push(m[1])
    }
  }
  return found
}

/** True when `error` means the package itself is absent (not a failure inside it). */
export function isNotInstalled(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string }
  if (e?.code !== 'MODULE_NOT_FOUND' && e?.code !== 'ERR_MODULE_NOT_FOUND') return false
  return (e.message ?? '').includes(`'${pkg}'`) || (e.message ?? '').includes(`"${pkg}"`)
}

/** One-line reason for a package that is installed but failed to load. */
export function loadFailureReason(pkg: string, message: string): string {
  const libs = missingLibraries(message)
  const first = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error'
  if (libs.length > 0) {
    const cuda = libs.some((l) => /cud|cublas|cufft|curand|cusolver|cusparse|nvinfer/i.test(l))
    const what = cuda ? 'CUDA/cuDNN libraries missing' : 'shared libraries missing'
    return `${pkg} is installed but failed to load: ${what}: ${libs.join(', ')}`
  }
  return `${pkg} is installed but failed to load: ${first.trim()}`
}
