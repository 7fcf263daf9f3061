// Builds the client once before the browser tests (skipped when the build is fresh).
export default async function setup(): Promise<void> {
  // @ts-expect-error: a plain .mjs script shared with `npm start`, no type declarations
  const { buildClientIfStale } = (await import('../scripts/build-client.mjs')) as {
    buildClientIfStale: () => boolean
  }
  buildClientIfStale()
}
