import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createProject, serverShapes, shareLink, uploadImages } from './api'
import { SLOW, drag, imageReady, near, objects, openJob, pending } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

const OUT = 'dist/screenshots'

function tool(page: Page, name: string) {
  return page.getByRole('toolbar', { name: 'Tools' }).getByRole('button', { name, exact: true })
}

describe('remapping keyboard shortcuts', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
    mkdirSync(OUT, { recursive: true })
  })
  afterAll(() => e2e?.close())

  it('the box tool moves from R to B: a conflict is shown first, B draws, and it survives a reload', async () => {
    const project = await createProject(e2e, 'Remap')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Rae',
    })
    expect(await tool(page, 'Box').getAttribute('title')).toBe('Box (R)')

    // From the help dialog to the shortcuts dialog.
    await page.keyboard.press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts', exact: true })
    await help.waitFor()
    await help.getByRole('button', { name: 'Change shortcuts…' }).click()
    const dialog = page.getByTestId('shortcuts-dialog')
    await dialog.waitFor()
    expect(await help.count()).toBe(0)

    // P belongs to the polygon: refused until the user says to swap; keeping leaves both alone.
    await dialog.getByRole('button', { name: 'Change R for Box' }).click()
    await dialog.getByText('Press a key…').waitFor()
    await page.keyboard.press('p')
    const conflict = dialog.getByTestId('shortcut-conflict')
    await conflict.waitFor()
    expect(await conflict.textContent()).toMatch(
      /P is already used by Polygon\. Swap: Polygon gets R/,
    )
    await page.screenshot({ path: `${OUT}/shortcuts-conflict.png` })
    await conflict.getByRole('button', { name: 'Keep as is' }).click()
    expect(await conflict.count()).toBe(0)
    // The polygon tool did not switch on behind the dialog.
    expect(await tool(page, 'Polygon').getAttribute('aria-pressed')).toBe('false')

    // B is free: taken at once.
    await dialog.getByRole('button', { name: 'Change R for Box' }).click()
    await page.keyboard.press('b')
    await expect.poll(() => dialog.getByTestId('shortcut-notice').textContent()).toBe('Box: B')
    expect(await dialog.getByRole('button', { name: 'Reset Box' }).count()).toBe(1)
    await page.screenshot({ path: `${OUT}/shortcuts-dialog.png` })
    await dialog.getByRole('button', { name: 'Done' }).click()
    await dialog.waitFor({ state: 'detached' })

    // Tooltips follow; R does nothing now, B picks the box tool and draws.
    expect(await tool(page, 'Box').getAttribute('title')).toBe('Box (B)')
    await page.keyboard.press('r')
    expect(await tool(page, 'Select').getAttribute('aria-pressed')).toBe('true')
    await page.keyboard.press('b')
    expect(await tool(page, 'Box').getAttribute('aria-pressed')).toBe('true')
    await drag(page, [120, 100], [300, 240])
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(1)
    await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')
    const [box] = await serverShapes(e2e, project.id, image!.jobId)
    expect(box?.type).toBe('rectangle')
    expect(near(box!.points, [120, 100, 300, 240]), JSON.stringify(box)).toBe(true)

    // Remembered by this browser; the help lists the new key.
    await page.reload()
    await imageReady(page)
    expect(await tool(page, 'Box').getAttribute('title')).toBe('Box (B)')
    await page.keyboard.press('v')
    await page.keyboard.press('b')
    expect(await tool(page, 'Box').getAttribute('aria-pressed')).toBe('true')
    await page.keyboard.press('?')
    const row = help.locator('dl > div').filter({ hasText: /^BBox$/ })
    expect(await row.count()).toBe(1)
    await page.screenshot({ path: `${OUT}/help-dialog.png` })
    await help.getByRole('button', { name: 'Close' }).click()

    // Reset all: R again.
    await page
      .getByRole('toolbar', { name: 'Tools' })
      .getByRole('button', { name: 'Change shortcuts' })
      .click()
    await dialog.getByRole('button', { name: 'Reset all to defaults' }).click()
    await dialog.getByRole('button', { name: 'Done' }).click()
    expect(await tool(page, 'Box').getAttribute('title')).toBe('Box (R)')
  })
})
