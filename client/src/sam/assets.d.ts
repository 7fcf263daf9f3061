// Vite's `?url` imports (onnxruntime's .wasm URL, see runtime-cache.ts).
declare module '*?url' {
  const url: string
  export default url
}
