#!/usr/bin/env node
// The `loupe` command. The CLI is TypeScript run through tsx, as `npm start` runs the server
// (`node --import tsx`): register() is that same loader, installed from inside the process.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2))
