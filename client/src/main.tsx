import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { requestPersistentStorage, watchUnhandledStorageErrors } from './sync/storage-errors'
import './styles.css'

watchUnhandledStorageErrors(window)
void requestPersistentStorage(navigator)

const root = document.getElementById('root')
if (!root) throw new Error('index.html lacks #root')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
