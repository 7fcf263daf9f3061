// Vite's `?url` imports (the worker bundle asks for onnxruntime's .wasm URL this way).
declare module '*?url' {
  const url: string
  export default url
}
