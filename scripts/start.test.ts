import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// The README's quick start, for real: `npm start` (via scripts/start.mjs) builds the client when
// needed, serves it with the API on PORT, prints the admin URL and stops cleanly on SIGTERM.
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-start-'))
  let child: ChildProcess | null = null

  afterAll(() => {
    child?.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('serves the app and the API and prints the admin URL', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000)
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: { ...process.env, PORT: String(port), LOUPE_DATA_DIR: dataDir, LOUPE_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))

    const adminUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no admin URL printed:\n${output}`)), 120_000)
      const check = () => {
        const match = /Open (http:\/\/localhost:\d+\/\?token=\S+)/.exec(output)
        if (match) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      }
      child?.stdout?.on('data', check)
      child?.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
    })
    expect(adminUrl).toContain(`localhost:${port}/?token=`)
    const token = new URL(adminUrl).searchParams.get('token')!

    const health = await fetch(`http://127.0.0.1:${port}/api/health`)
    expect(health.status).toBe(200)
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true)

    const page = await fetch(`http://127.0.0.1:${port}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')

    const projects = await fetch(`http://127.0.0.1:${port}/api/projects`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(projects.status).toBe(200)

    const exited = new Promise<number | null>((resolve) =>
      child?.on('exit', (code) => resolve(code)),
    )
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    child = null
  }, 180_000)
})
