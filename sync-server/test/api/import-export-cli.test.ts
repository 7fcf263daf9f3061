// The `loupe` CLI (cli/), spawned as users run it, against a real server and a real data dir.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileTree, getFormat, type Dataset } from '@loupe/formats'
import { startServer } from '../../src/server'
import type { LoupeServer } from '../../src/server'
import {
  ADMIN_TOKEN,
  SECRET,
  createProject,
  request,
  startTestServer,
  upload,
  type TestServer,
} from './harness'
import { png } from './image-bytes'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const BIN = join(ROOT, 'cli/bin/loupe.mjs')
const coco = getFormat('coco')
/** Each `loupe` run starts Node and tsx (seconds on a busy machine). */
const SLOW = 120_000

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs `loupe …` in a child process (async, so the server in this process keeps answering). */
function loupe(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, LOUPE_SERVER: '', LOUPE_TOKEN: '', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        done({ code, stdout, stderr })
      },
    )
  })
}

function dataset(): Dataset {
  return {
    labels: [{ name: 'gull', attributes: [] }],
    images: [
      {
        name: 'a.png',
        width: 40,
        height: 30,
        subset: 'default',
        tags: [],
        annotations: [{ type: 'rectangle', label: 'gull', points: [1, 2, 11, 12], attributes: {} }],
      },
      {
        name: 'c.png',
        width: 16,
        height: 8,
        subset: 'default',
        tags: [],
        data: png(16, 8, 3),
        annotations: [
          { type: 'polygon', label: 'gull', points: [0, 0, 8, 0, 4, 6], attributes: {} },
        ],
      },
    ],
  }
}

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'loupe-cli-'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

async function writeZip(name: string, data: Dataset): Promise<string> {
  const path = join(work, name)
  writeFileSync(path, (await coco.write(data, { includeImages: true })).toZip())
  return path
}

describe('loupe against a running server', () => {
  let t: TestServer
  let project: { id: string; token: string }
  beforeAll(async () => {
    t = await startTestServer()
    project = await createProject(t, { name: 'Birds' })
    await upload(t, project.id, project.token, [{ name: 'a.png', bytes: png(40, 30, 1) }])
  })
  afterAll(() => t.close())

  it(
    'imports a zip, then a folder (nothing new), then exports',
    async () => {
      const zip = await writeZip('birds.zip', dataset())
      const server = ['--server', t.url, '--token', project.token]
      const first = await loupe(['import', '--project', project.id, ...server, zip])
      expect(first, first.stderr).toMatchObject({ code: 0, stderr: '' })
      expect(first.stdout).toBe(
        `imported birds.zip (coco) into project ${project.id}: 2 shapes added, 0 already there, ` +
          '0 tags added, 1 images added, 1 matched, 1 labels added, 0 jobs created\n',
      )

      // The same dataset as a folder; server and token from the environment.
      const folder = join(work, 'birds-folder')
      for (const [path, bytes] of (
        await coco.write(dataset(), { includeImages: true })
      ).entries()) {
        mkdirSync(dirname(join(folder, path)), { recursive: true })
        writeFileSync(join(folder, path), bytes)
      }
      writeFileSync(join(folder, '.DS_Store'), 'junk')
      const second = await loupe(['import', '--project', project.id, '--json', folder], {
        LOUPE_SERVER: t.url,
        LOUPE_TOKEN: project.token,
      })
      expect(second.code, second.stderr).toBe(0)
      expect(JSON.parse(second.stdout)).toMatchObject({
        format: 'coco',
        summary: { shapesAdded: 0, shapesSkipped: 2, imagesMatched: 2, imagesAdded: 0 },
      })

      const out = join(work, 'out.zip')
      const exported = await loupe([
        'export',
        '--project',
        project.id,
        '--format',
        'coco',
        '--out',
        out,
        '--images',
        ...server,
      ])
      expect(exported.code, exported.stderr).toBe(0)
      expect(exported.stdout).toMatch(
        /^wrote .*out\.zip \(\d+ bytes\): coco, 2 images, 2 annotations\n/,
      )
      expect(exported.stdout).toContain('  dropped label colors ×1: COCO 1.0 has no label colors\n')
      const files = FileTree.fromZip(readFileSync(out))
      expect(files.paths()).toEqual([
        'annotations/instances_default.json',
        'images/default/a.png',
        'images/default/c.png',
      ])
      const back = await coco.read(files)
      expect(back.images.map((i) => [i.name, i.annotations.map((a) => a.type)])).toEqual([
        ['a.png', ['rectangle']],
        ['c.png', ['polygon']],
      ])
    },
    SLOW,
  )

  it(
    'reports a malformed file, a refused token and an unknown format with exit 1',
    async () => {
      const files = await coco.write(dataset(), { includeImages: true })
      const path = 'annotations/instances_default.json'
      const json = JSON.parse(new TextDecoder().decode(files.get(path)))
      json.annotations[0].bbox = [1, 2, 3]
      files.set(path, JSON.stringify(json))
      const bad = join(work, 'bad.zip')
      writeFileSync(bad, files.toZip())
      const server = ['--server', t.url, '--token', project.token]
      const malformed = await loupe(['import', '--project', project.id, ...server, bad])
      expect(malformed).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'loupe: import failed: 422 annotations/instances_default.json: annotations[0].bbox: expected 4 numbers\n',
      })
      const notes = join(work, 'notes.txt')
      writeFileSync(notes, 'hello')
      const unknown = await loupe(['import', '--project', project.id, ...server, notes])
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toMatch(/^loupe: import failed: 400 no format recognises these files/)
      const forbidden = await loupe([
        'export',
        '--project',
        project.id,
        '--format',
        'coco',
        '--out',
        join(work, 'x.zip'),
        '--server',
        t.url,
        '--token',
        'not-a-token-at-all',
      ])
      expect(forbidden.code).toBe(1)
      expect(forbidden.stderr).toMatch(/^loupe: export failed: 401 /)
    },
    SLOW,
  )
})

describe('loupe on a data dir', () => {
  let dataDir: string
  let server: LoupeServer | null = null
  const start = () =>
    startServer({
      env: {},
      config: {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        clientDir: null,
        logLevel: 'silent',
        secret: SECRET,
        adminToken: ADMIN_TOKEN,
      },
    })
  beforeAll(async () => {
    dataDir = join(work, 'data')
    server = await start()
  })
  afterAll(async () => {
    await server?.close()
  })

  it(
    'refuses while a server runs on it, works once it is stopped, and the server sees it',
    async () => {
      const t = { url: server!.url } as TestServer
      const project = await createProject(t, { name: 'Gulls' })
      await upload(t, project.id, project.token, [{ name: 'a.png', bytes: png(40, 30, 1) }])
      const zip = await writeZip('gulls.zip', dataset())
      const args = ['import', '--project', project.id, '--data-dir', dataDir, zip]

      const busy = await loupe(args)
      expect(busy.code).toBe(1)
      expect(busy.stderr).toBe(
        `loupe: ${resolve(dataDir)} is in use by a running Loupe server (or another loupe command); ` +
          'stop it first, or use --server <url> --token <token> to go through the server\n',
      )

      await server!.close()
      server = null
      const done = await loupe(args)
      expect(done.code, done.stderr).toBe(0)
      expect(done.stdout).toMatch(/: 2 shapes added, 0 already there, .* 1 images added, 1 matched/)
      const again = await loupe([...args.slice(0, -1), '--json', zip])
      expect(JSON.parse(again.stdout).summary).toMatchObject({ shapesAdded: 0, shapesSkipped: 2 })

      const out = join(work, 'gulls-out.zip')
      const exported = await loupe([
        'export',
        '--project',
        project.id,
        '--format',
        'coco',
        '--out',
        out,
        '--data-dir',
        dataDir,
        '--json',
      ])
      expect(exported.code, exported.stderr).toBe(0)
      expect(JSON.parse(exported.stdout)).toMatchObject({
        format: 'coco',
        images: 2,
        annotations: 2,
      })
      expect(FileTree.fromZip(readFileSync(out)).paths()).toEqual([
        'annotations/instances_default.json',
      ])

      const missing = await loupe([...args.slice(0, 2), 'nope', ...args.slice(3)])
      expect(missing).toMatchObject({
        code: 1,
        stderr: `loupe: no project "nope" in ${resolve(dataDir)}\n`,
      })

      // The server started again on the folder serves what the CLI wrote, image bytes included.
      server = await start()
      const restarted = { url: server.url } as TestServer
      const started = await request(restarted, 'POST', `/api/projects/${project.id}/export`, {
        token: project.token,
        json: { format: 'coco', includeImages: true },
      })
      expect(started.status).toBe(202)
      const runPath = `/api/flow-runs/${started.json.run.id}`
      let state = started.json.run.state
      while (state !== 'Completed' && state !== 'Failed') {
        await new Promise((r) => setTimeout(r, 50))
        state = (await request(restarted, 'GET', runPath, { token: project.token })).json.state
      }
      expect(state).toBe('Completed')
      const res = await request(restarted, 'GET', `${runPath}/artifact`, { token: project.token })
      expect(res.status).toBe(200)
      const back = await coco.read(FileTree.fromZip(res.bytes))
      expect(back.images.map((i) => [i.name, i.annotations.length, i.data?.length])).toEqual([
        ['a.png', 1, png(40, 30, 1).length],
        ['c.png', 1, png(16, 8, 3).length],
      ])
    },
    SLOW,
  )
})

describe('loupe command line', () => {
  it(
    'prints usage with exit 0 for help, and exit 2 for a wrong command line',
    async () => {
      const help = await loupe(['--help'])
      expect(help.code).toBe(0)
      expect(help.stdout).toMatch(/^Usage:\n {2}loupe export --project <id>/)
      const cases: [string[], string][] = [
        [[], 'give a command: import or export'],
        [['publish'], 'unknown command "publish": expected import or export'],
        [['export', '--format', 'coco'], 'export: --project <id> is required'],
        [
          ['import', '--project', 'p', '--server', 'http://x', '--data-dir', '/tmp', 'f'],
          'give either --server or --data-dir, not both',
        ],
        [
          ['import', '--project', 'p', '--server', 'http://x', 'f'],
          '--server needs --token <token>',
        ],
        [['import', '--project', 'p', '--data-dir', '/tmp'], 'import: give the file or folder'],
        [['export', '--project', 'p', '--colour'], "Unknown option '--colour'"],
        [
          ['import', '--project', 'p', '--data-dir', work, join(work, 'absent.zip')],
          'import: no such file or folder',
        ],
      ]
      const runs = await Promise.all(cases.map(([args]) => loupe(args)))
      runs.forEach((run, i) => {
        const [args, message] = cases[i]!
        expect(run.code, args.join(' ')).toBe(2)
        expect(run.stderr, args.join(' ')).toContain(`loupe: ${message}`)
      })
    },
    SLOW,
  )
})
