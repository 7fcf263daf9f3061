export { probeImage, sniffImageFormat } from './probe'
export type { ImageInfo, ProbeResult } from './probe'
export { sha256Hex } from './sha256'
