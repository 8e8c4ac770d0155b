// End-to-end: the real hotlined daemon + the built web UI in headless Chromium.
//
// admin logs in, creates an agent in a team unit, logs out; the new agent logs in and
// sees only Home and Profile in the menu, and /system/users shows the 403 page.
//
// Run from anywhere (see tests/e2e/README.md):
//   node tests/e2e/admin_creates_user.test.mjs
// Env: HOTLINED (daemon binary, default <repo>/build/hotlined),
//      CHROMIUM (default /usr/bin/chromium), E2E_HEADFUL=1 is not supported (headless only).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, launchBrowser, log, login, reportFailure, startDaemon, stopDaemon, tid } from './harness.mjs'

const NEW_USER = { username: 'e2e_agent', displayName: 'E2E 测试坐席', password: 'Secure#Pass2026' }

test('admin creates an agent; the agent sees only Home and Profile', { timeout: 240_000 }, async () => {
  let daemon
  let browser
  let page
  const exitGuard = () => daemon?.child.kill('SIGKILL')
  process.on('exit', exitGuard)
  try {
    daemon = await startDaemon()
    const { base } = daemon

    browser = await launchBrowser()
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 860 } })
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    const consoleErrors = []
    // 401s from the session probe while logged out are expected; keep anything else.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => consoleErrors.push(String(e)))

    // --- not logged in: redirected to the login page, keeping the target ---------------
    await page.goto(`${base}/system/users`)
    await page.locator(tid('login-username')).waitFor()
    assert.match(page.url(), /\/login\?redirect=(%2F|\/)system(%2F|\/)users$/, 'unauthenticated visit redirects to /login?redirect=…')

    // --- admin logs in and creates the agent ------------------------------------------
    await login(page, base, ADMIN.username, ADMIN.password)
    log('admin logged in')
    await page.locator(tid('menu-users')).click()
    await page.waitForURL(/\/system\/users$/)
    await page.locator(tid('user-create')).click()

    const dialog = page.locator('.el-dialog', { has: page.locator(tid('user-username')) })
    await dialog.waitFor({ state: 'visible' })
    await page.locator(tid('user-username')).fill(NEW_USER.username)
    await page.locator(tid('user-display-name')).fill(NEW_USER.displayName)

    // Organisation unit: open the tree select and pick the first team (班组).
    await page.locator(`${tid('user-org')} .el-select__wrapper`).click()
    const team = page.locator('.org-tree-select-popper [data-kind="team"]:visible').first()
    await team.waitFor({ state: 'visible' })
    const teamName = (await team.innerText()).split('\n')[0].trim()
    await team.click()
    log('org unit picked:', teamName)

    // Roles: agent (坐席).
    await page.locator(`${tid('user-roles')} .el-select__wrapper`).click()
    await page.locator(`.user-roles-popper ${tid('role-opt-agent')}:visible`).click()
    // Close the dropdown with a click outside it (on the dialog title).
    await dialog.locator('.el-dialog__header').click()
    await page.locator('.el-popper.user-roles-popper').waitFor({ state: 'hidden' })
    const extension = String(7000 + Math.floor(Math.random() * 900))
    await page.locator(tid('user-extension')).fill(extension)
    await page.locator(tid('user-password')).fill(NEW_USER.password)
    await page.locator(tid('user-submit')).click()

    const dlgError = page.locator(tid('user-error'))
    await Promise.race([
      dialog.waitFor({ state: 'hidden' }),
      dlgError.waitFor({ state: 'visible' }).then(async () => {
        throw new Error(`create user failed: ${await dlgError.innerText()}`)
      }),
    ])
    const row = page.locator(`${tid('users-table')} .el-table__body tr`, { hasText: NEW_USER.username })
    await row.first().waitFor({ state: 'visible' })
    const rowText = await row.first().innerText()
    assert.ok(rowText.includes('坐席'), `new user's row shows role 坐席: ${rowText}`)
    assert.ok(rowText.includes(teamName), `new user's row shows org unit ${teamName}: ${rowText}`)
    log('user created:', rowText.replace(/\s+/g, ' '))

    // --- logout ----------------------------------------------------------------------
    await page.locator(tid('logout')).click()
    await page.locator(tid('login-username')).waitFor()

    // --- the agent logs in -----------------------------------------------------------
    await login(page, base, NEW_USER.username, NEW_USER.password)
    log('agent logged in')
    await page.locator(tid('home-welcome')).waitFor()
    assert.ok(await page.locator(tid('menu-home')).isVisible(), 'menu shows Home')
    assert.ok(await page.locator(tid('menu-profile')).isVisible(), 'menu shows Profile')
    for (const id of ['menu-users', 'menu-roles', 'menu-org', 'menu-audit']) {
      assert.equal(await page.locator(tid(id)).count(), 0, `menu must not show ${id}`)
    }

    // Real-time channel: hello received → indicator says connected (已连接).
    await page.locator(`${tid('ws-status')}[data-state="connected"]`).waitFor({ timeout: 15_000 })

    // --- direct navigation to a page without permission → 403 -------------------------
    await page.goto(`${base}/system/users`)
    const forbidden = page.locator(tid('page-403'))
    await forbidden.waitFor({ state: 'visible' })
    assert.ok((await forbidden.innerText()).includes('无权访问'), '403 page says 无权访问')

    // Unknown route → 404 page.
    await page.goto(`${base}/no/such/page`)
    await page.locator(tid('page-404')).waitFor({ state: 'visible' })

    if (consoleErrors.length) log('browser console errors (not fatal):', consoleErrors.join(' | '))
    log('PASS')
  } catch (e) {
    await reportFailure(page, daemon)
    throw e
  } finally {
    await browser?.close().catch(() => undefined)
    await stopDaemon(daemon)
    process.off('exit', exitGuard)
  }
})
