// The editor harness (client/editor-dev.html, served by `npx vite` only; not part of the app
// build): the Editor over local Y.Docs with generated images, no server needed.
//   ?user=Ann        who you are (tabs of one browser see each other's cursors)
//   ?readonly=1      viewer mode
//   ?fresh=1         start from the seed documents again

import { StrictMode, useEffect, useRef, useState } from 'react'
import type { ImageRecord } from '@loupe/model'
import { createRoot } from 'react-dom/client'
import { Editor } from './Editor'
import { drawDevImage, openDevSession } from './dev-docs'
import '../styles.css'

const params = new URLSearchParams(location.search)
const name = params.get('user') ?? 'Dev'
const colors = ['#e15759', '#4f7cff', '#48c78e', '#f0b450', '#b07aa1']
const user = {
  id: name.toLowerCase().replace(/[^a-z0-9_-]/g, '') || 'dev',
  name,
  color: colors[name.length % colors.length]!,
}
const session = openDevSession(user.id, params.has('fresh'))
session.awareness.setLocalState({ user, image: null })
Object.assign(window, { loupeDev: session })

function DevThumb({ image }: { image: ImageRecord }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    void drawDevImage(image).then((bitmap) => {
      const canvas = ref.current
      canvas?.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
    })
  }, [image])
  return <canvas ref={ref} width={96} height={54} style={{ width: '100%', height: '100%' }} />
}

function Harness() {
  const [imageId, setImageId] = useState(session.images[0]?.id ?? null)
  return (
    <Editor
      project={session.project}
      job={session.job}
      images={session.images}
      imageId={imageId}
      onImageChange={setImageId}
      loadImage={drawDevImage}
      renderThumbnail={(image) => <DevThumb image={image} />}
      awareness={session.awareness}
      user={user}
      readOnly={params.get('readonly') === '1'}
    />
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
)
