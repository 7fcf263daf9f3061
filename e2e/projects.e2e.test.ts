import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startE2E } from './harness'
import type { E2E } from './harness'

describe('projects, labels and share links in the browser', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('the admin opens the printed URL, creates a project and adds a label that a second user sees live', async () => {
    const { page } = await e2e.user(`/?token=${ADMIN_TOKEN}`)
    // The token is remembered and removed from the address bar.
    await page.waitForFunction(() => !location.search.includes('token='))

    await page.getByLabel('New project').fill('Street scenes')
    await page.getByRole('button', { name: 'Create project' }).click()
    // Creating opens the new project.
    await page.getByRole('heading', { level: 1, name: 'Street scenes' }).waitFor()
    const projectId = /#\/project\/([\w-]+)/.exec(page.url())![1]!

    // A second person (an annotator with a share link) opens the same project.
    const share = await fetch(`${e2e.server.url}/api/projects/${projectId}/share`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'annotator' }),
    })
    const { token } = (await share.json()) as { token: string }
    const other = await e2e.user(`/?token=${token}#/project/${projectId}`)
    await other.page.getByRole('heading', { level: 1, name: 'Street scenes' }).waitFor()
    // An annotator cannot manage labels.
    expect(await other.page.getByRole('button', { name: '+ Add label' }).count()).toBe(0)

    // The admin adds a label; the annotator's page shows it without a reload.
    await page.getByRole('button', { name: '+ Add label' }).click()
    await page.getByLabel('Label name').fill('car')
    await page.getByRole('button', { name: 'Add label', exact: true }).click()
    await other.page.getByText('car', { exact: true }).first().waitFor({ timeout: 15_000 })

    // Both are online with nothing waiting.
    const indicator = page.getByTestId('sync-indicator')
    await expect.poll(() => indicator.getAttribute('data-pending'), { timeout: 15_000 }).toBe('0')
    expect(await indicator.getAttribute('data-connection')).toBe('online')
  })

  it('a viewer link opens read-only', async () => {
    const created = await fetch(`${e2e.server.url}/api/projects`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Read only', labels: [{ name: 'tree' }] }),
    })
    const { id, token: manager } = (await created.json()) as { id: string; token: string }
    const share = await fetch(`${e2e.server.url}/api/projects/${id}/share`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${manager}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'viewer' }),
    })
    const { token } = (await share.json()) as { token: string }
    const { page } = await e2e.user(`/?token=${token}#/project/${id}`)
    await page.getByRole('heading', { level: 1, name: 'Read only' }).waitFor()
    await page.getByTestId('view-only').waitFor()
    await page.getByText('tree', { exact: true }).first().waitFor()
    expect(await page.getByRole('button', { name: '+ Add label' }).count()).toBe(0)
    expect(await page.getByLabel('New project').count()).toBe(0)
  })

  it('the app shell opens with no network after one visit', async () => {
    const { context, page } = await e2e.user(`/?token=${ADMIN_TOKEN}`)
    await page.getByRole('heading', { name: /Projects/ }).waitFor()
    // The first visit installs the service worker (registerType 'prompt': it takes control from
    // the next load on, never by itself mid-session).
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await page.reload()
    await page.getByRole('heading', { name: /Projects/ }).waitFor()
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
    await context.setOffline(true)
    await page.reload()
    await page.getByRole('heading', { name: /Projects/ }).waitFor()
    await expect
      .poll(() => page.getByTestId('sync-indicator').getAttribute('data-connection'))
      .toBe('offline')
    await context.setOffline(false)
  })
})
