// End-to-end: telephony administration pages against the real hotlined daemon (--demo data)
// in headless Chromium.
//
// admin opens 中继线路 and sees the demo trunk, creates a trunk with an invalid source address
// and gets the server's validation message, fixes it and saves; 号码路由 lists the demo inbound
// number and the outbound allow-list; 通话记录 and 录音管理 render. agent1 then sees none of
// the telephony menus and gets the 403 page on /telephony/trunks.
//
// Run from anywhere (see tests/e2e/README.md):
//   node tests/e2e/telephony_admin.test.mjs
// Env: HOTLINED (daemon binary, default <repo>/build/hotlined), CHROMIUM (default /usr/bin/chromium).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, launchBrowser, log, login, reportFailure, startDaemon, stopDaemon, tid } from './harness.mjs'

const AGENT = { username: 'agent1', password: 'Hotline@2026' }

/** Waits for an el-table to be shown and to have no loading mask over it. */
async function tableSettled(page, testid) {
  const table = page.locator(tid(testid))
  await table.waitFor({ state: 'visible' })
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel)
    return !!el && !el.querySelector('.el-loading-mask')
  }, tid(testid))
  return table
}

/** Resolves with the first response to GET /api/v1/<path>… (set up before the action). */
const apiResponse = (page, prefix) =>
  page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/v1/${prefix}`)

/** Types into an el-input-tag and commits the tag with Enter. */
async function addTag(page, testid, value) {
  const input = page.locator(`${tid(testid)} input`)
  await input.click()
  await input.fill(value)
  await input.press('Enter')
  await page.locator(`${tid(testid)} .el-tag`, { hasText: value }).waitFor({ state: 'visible' })
}

test('admin manages trunks and routing; an agent sees no telephony menus', { timeout: 240_000 }, async () => {
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
    const pageErrors = []
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => pageErrors.push(String(e)))
    const errorToasts = () => page.locator('.el-message--error').allInnerTexts()

    // --- admin: 中继线路 lists the demo trunk ------------------------------------------
    await login(page, base, ADMIN.username, ADMIN.password)
    log('admin logged in')
    const trunksLoaded = apiResponse(page, 'trunks')
    await page.locator(tid('menu-trunks')).click()
    await page.waitForURL(/\/telephony\/trunks$/)
    assert.equal((await trunksLoaded).status(), 200, 'GET /api/v1/trunks answers 200')
    const trunks = await tableSettled(page, 'trunks-table')
    await trunks.locator('.el-table__body tr', { hasText: 'demo-carrier' }).first().waitFor({ state: 'visible' })
    log('trunks:', (await trunks.locator('.el-table__body tr').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ')).join(' | '))

    // --- create a trunk: a bad source address is refused by the server ------------------
    const name = `e2e-carrier-${process.pid}`
    const did = String(62000000 + Math.floor(Math.random() * 900000))
    await page.locator(tid('trunk-create')).click()
    const dialog = page.locator('.el-dialog', { has: page.locator(tid('trunk-name')) })
    await dialog.waitFor({ state: 'visible' })
    await page.locator(tid('trunk-name')).fill(name)
    await addTag(page, 'trunk-addresses', '300.1.2.3')
    await page.locator(tid('trunk-proxy')).fill('198.51.100.20:5060')
    await addTag(page, 'trunk-numbers', did)
    await page.locator(tid('trunk-caller-id')).fill(did)
    await page.locator(tid('trunk-submit')).click()

    const dlgError = page.locator(tid('trunk-error'))
    await Promise.race([
      dlgError.waitFor({ state: 'visible' }),
      dialog.waitFor({ state: 'hidden' }).then(() => {
        throw new Error('a trunk with source address 300.1.2.3 was accepted')
      }),
    ])
    const message = (await dlgError.innerText()).trim()
    log('server refused the bad address:', message)
    assert.ok(message.length > 0, 'the dialog shows the server message')
    assert.match(message, /addr|地址|300\.1\.2\.3|ip/i, `the message is about the address: ${message}`)

    // Fix it: drop the bad tag (Backspace in the empty tag input), add a valid address, save.
    const addrInput = page.locator(`${tid('trunk-addresses')} input`)
    await addrInput.click()
    await addrInput.press('Backspace')
    await page.locator(`${tid('trunk-addresses')} .el-tag`, { hasText: '300.1.2.3' }).waitFor({ state: 'detached' })
    await addTag(page, 'trunk-addresses', '198.51.100.7')
    await page.locator(tid('trunk-submit')).click()
    await Promise.race([
      dialog.waitFor({ state: 'hidden' }),
      page.waitForFunction(
        ([sel, old]) => {
          const el = document.querySelector(sel)
          return !!el && el.textContent.trim() !== old
        },
        [tid('trunk-error'), message],
      ).then(async () => {
        throw new Error(`saving the corrected trunk failed: ${await dlgError.innerText()}`)
      }),
    ])
    const newRow = trunks.locator('.el-table__body tr', { hasText: name }).first()
    await newRow.waitFor({ state: 'visible' })
    const newRowText = await newRow.innerText()
    assert.ok(newRowText.includes('198.51.100.7'), `new trunk row shows its address: ${newRowText}`)
    assert.ok(newRowText.includes(did), `new trunk row shows its number: ${newRowText}`)
    log('trunk created:', newRowText.replace(/\s+/g, ' '))

    // --- 号码路由: the demo inbound number, then the outbound allow-list ------------------
    await page.locator(tid('menu-routes')).click()
    await page.waitForURL(/\/telephony\/routes/)
    const inbound = await tableSettled(page, 'inbound-table')
    const demoRoute = inbound.locator('.el-table__body tr', { hasText: '84038437' }).first()
    await demoRoute.waitFor({ state: 'visible' })
    log('inbound route:', (await demoRoute.innerText()).replace(/\s+/g, ' '))

    await page.locator('#tab-outbound').click()
    await page.waitForURL(/tab=outbound/)
    await tableSettled(page, 'outbound-table')
    await page.locator(tid('toll-fraud')).waitFor({ state: 'visible' })
    // The allow-list tester answers client-side for any number.
    await page.locator(tid('outbound-probe')).fill('13800138000')
    const probe = page.locator(tid('outbound-probe-result'))
    await probe.waitFor({ state: 'visible' })
    log('outbound probe 13800138000:', await probe.innerText())

    // --- 通话记录 renders (possibly empty) without errors ------------------------------
    const callsLoaded = apiResponse(page, 'calls')
    await page.locator(tid('menu-calls')).click()
    await page.waitForURL(/\/calls$/)
    const callsRes = await callsLoaded
    assert.equal(callsRes.status(), 200, 'GET /api/v1/calls answers 200')
    assert.match(new URL(callsRes.url()).search, /from=.*to=/, 'the call list asks for a time range (today)')
    const calls = await tableSettled(page, 'calls-table')
    const callRows = await calls.locator('.el-table__body tr').count()
    log('call records shown:', callRows)
    if (callRows > 0) {
      await calls.locator('.el-table__body tr').first().click()
      const drawer = page.locator(tid('call-drawer'))
      await drawer.locator(tid('call-quality')).waitFor({ state: 'visible' })
      await page.keyboard.press('Escape')
      await drawer.waitFor({ state: 'hidden' })
    } else {
      await calls.locator('.el-table__empty-text').waitFor({ state: 'visible' })
    }

    // --- 录音管理 renders --------------------------------------------------------------
    const recordingsLoaded = apiResponse(page, 'recordings')
    await page.locator(tid('menu-recordings')).click()
    await page.waitForURL(/\/recordings$/)
    assert.equal((await recordingsLoaded).status(), 200, 'GET /api/v1/recordings answers 200')
    await tableSettled(page, 'recordings-table')

    assert.deepEqual(await errorToasts(), [], 'no error message was shown')
    assert.deepEqual(pageErrors, [], 'no uncaught script errors')

    // --- agent1: no telephony menus, 403 on the page ----------------------------------
    await page.locator(tid('logout')).click()
    await page.locator(tid('login-username')).waitFor()
    await login(page, base, AGENT.username, AGENT.password)
    log('agent1 logged in')
    await page.locator(tid('home-welcome')).waitFor()
    for (const id of ['menu-telephony', 'menu-trunks', 'menu-routes']) {
      assert.equal(await page.locator(tid(id)).count(), 0, `menu must not show ${id}`)
    }
    await page.goto(`${base}/telephony/trunks`)
    await page.locator(tid('page-403')).waitFor({ state: 'visible' })
    await page.goto(`${base}/telephony/routes`)
    await page.locator(tid('page-403')).waitFor({ state: 'visible' })

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
