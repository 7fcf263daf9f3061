/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, as written by `run.ts --profile DIR`): the
 * functions with the most self time, and self time per package.
 *
 *   tsx bench/relay/profile.ts DIR/loupe [--top 25]
 *
 * Given a directory, reads its largest profile (the main thread's; tsx's loader thread writes a
 * small one beside it).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
})
const target = positionals[0]
if (!target) throw new Error('usage: profile.ts <file.cpuprofile | dir> [--top N]')
const file = statSync(target).isDirectory() ? largestProfile(target) : target
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile

const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) =>
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
)

const byFunction = new Map<string, number>()
const byPackage = new Map<string, number>()
let totalUs = 0
let idleUs = 0
for (const [id, us] of selfUs) {
  const frame = frames.get(id)!
  totalUs += us
  if (frame.functionName === '(idle)') idleUs += us
  const where = shortUrl(frame.url)
  const name = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + us)
  byPackage.set(packageOf(frame), (byPackage.get(packageOf(frame)) ?? 0) + us)
}

const busyUs = totalUs - idleUs
const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`
const top = Number(values.top)
process.stdout.write(`${file}: ${ms(totalUs)} sampled, ${ms(busyUs)} busy (shares are of busy)\n\n`)
process.stdout.write('self time by package\n')
for (const [name, us] of sorted(byPackage).slice(0, 12)) {
  process.stdout.write(`${ms(us)} ${pct(us)}  ${name}\n`)
}
process.stdout.write(`\ntop ${top} functions by self time\n`)
for (const [name, us] of sorted(byFunction).slice(0, top)) {
  process.stdout.write(`${ms(us)} ${pct(us)}  ${name}\n`)
}

function largestProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)
  if (!files[0]) throw new Error(`no .cpuprofile in ${dir}`)
  return files[0]
}

function sorted(map: Map<string, number>): Array<[string, number]> {
  return [...map].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1])
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/')
  if (i >= 0) return url.slice(i + 'node_modules/'.length)
  const j = url.indexOf('/sync-server/')
  return j >= 0 ? url.slice(j + 1) : url.replace(/^file:\/\//, '')
}

function packageOf(frame: CallFrame): string {
  if (frame.functionName.startsWith('(')) return frame.functionName // (garbage collector), (program)
  const url = frame.url
  const i = url.lastIndexOf('node_modules/')
  if (i >= 0) {
    const rest = url.slice(i + 'node_modules/'.length).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  if (url.includes('/sync-server/src/relay/')) return 'loupe relay'
  if (url.includes('/sync-server/src/storage/')) return 'loupe storage'
  if (url.includes('/sync-server/') || url.includes('/packages/')) return 'loupe (other)'
  if (url.startsWith('node:') || url === '') return 'node internals / native'
  return url
}
