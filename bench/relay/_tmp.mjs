import * as Y from 'yjs'
function run(label, edit, n = 20000) {
  const a = new Y.Doc()
  const updates = []
  a.on('update', (u) => updates.push(u))
  const shapes = a.getMap('shapes')
  for (let c = 0; c < 50; c++) {
    const m = new Y.Map()
    shapes.set('s' + c, m)
  }
  for (let i = 0; i < n; i++) {
    a.transact(() => edit(shapes, i))
  }
  const b = new Y.Doc()
  Y.applyUpdate(b, updates[0])
  for (let i = 1; i < 51; i++) Y.applyUpdate(b, updates[i])
  for (let r = 0; r < 3; r++) {
    let t = performance.now()
    for (let i = 51; i < updates.length; i++) {
      if (r == 0) Y.applyUpdate(b, updates[i])
      else Y.decodeUpdate(updates[i])
    }
    console.log(
      label,
      r,
      'bytes',
      updates[100].length,
      'us/apply',
      (((performance.now() - t) * 1000) / (updates.length - 51)).toFixed(1),
    )
  }
}
run('3keys', (s, i) => {
  const m = s.get('s' + (i % 50))
  m.set('points', [i, i + 1, i + 2, i + 3])
  m.set('seq', i)
  m.set('t', performance.now())
})
run('1key', (s, i) => {
  const m = s.get('s' + (i % 50))
  m.set('points', [i, i + 1, i + 2, i + 3, performance.now()])
})
run(
  '1key-5k',
  (s, i) => {
    const m = s.get('s' + (i % 50))
    m.set('points', [i, i + 1, i + 2, i + 3, performance.now()])
  },
  5000,
)
