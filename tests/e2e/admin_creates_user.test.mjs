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
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

// playwright-core is a devDependency of web/, so resolve it from there whatever the cwd.
const requireFromWeb = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = requireFromWeb('playwright-core')

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const HOTLINED = path.resolve(REPO, process.env.HOTLINED || 'build/hotlined')
const WEB_ROOT = path.join(REPO, 'web', 'dist')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

const ADMIN = { username: 'admin', password: 'Hotline@2026' }
const NEW_USER = { username: 'e2e_agent', displayName: 'E2E 测试坐席', password: 'Secure#Pass2026' }

const log = (...a) => console.log('[e2e]', ...a)

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Starts the daemon; resolves once GET /healthz answers 200. */
async function startDaemon() {
  if (!fs.existsSync(HOTLINED)) {
    throw new Error(`daemon binary not found: ${HOTLINED} (build it, or set HOTLINED)`)
  }
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error(`web UI not built: ${WEB_ROOT}/index.html missing (run: cd web && npm ci && npm run build)`)
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-e2e-data-'))
  const port = await freePort()
  const sipPort = await freePort()
  const base = `http://127.0.0.1:${port}`
  const args = ['--demo', '--data-dir', dataDir, '--http', `127.0.0.1:${port}`, '--web-root', WEB_ROOT,
    '--sip', `127.0.0.1:${sipPort}`]
  log('starting', HOTLINED, args.join(' '))
  const child = spawn(HOTLINED, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const output = []
  const keep = (buf) => {
    output.push(buf.toString())
    if (output.length > 400) output.shift()
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let exited = null
  child.on('exit', (code, signal) => {
    exited = { code, signal }
  })

  const daemon = { child, base, dataDir, output, get exited() { return exited } }
  const deadline = Date.now() + 60_000
  for (;;) {
    if (exited) throw new Error(`daemon exited early (code ${exited.code}, signal ${exited.signal})\n${output.join('')}`)
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) break
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stopDaemon(daemon)
      throw new Error(`daemon did not answer GET /healthz with 200 within 60 s\n${output.join('')}`)
    }
    await sleep(250)
  }
  log('daemon up at', base)
  return daemon
}

async function stopDaemon(d) {
  if (!d) return
  if (!d.exited) {
    d.child.kill('SIGTERM')
    for (let i = 0; i < 50 && !d.exited; i++) await sleep(100)
    if (!d.exited) d.child.kill('SIGKILL')
  }
  fs.rmSync(d.dataDir, { recursive: true, force: true })
}

const tid = (id) => `[data-testid="${id}"]`

async function login(page, base, username, password) {
  await page.goto(`${base}/login`)
  await page.locator(tid('login-username')).fill(username)
  await page.locator(tid('login-password')).fill(password)
  await page.locator(tid('login-submit')).click()
  // Either the shell appears or the login page shows an error.
  const home = page.locator(tid('menu-home'))
  const error = page.locator(tid('login-error'))
  await home.or(error).first().waitFor({ state: 'visible' })
  if (await error.isVisible()) {
    throw new Error(`login as ${username} failed: ${await error.innerText()}`)
  }
}

test('admin creates an agent; the agent sees only Home and Profile', { timeout: 240_000 }, async () => {
  let daemon
  let browser
  let page
  const exitGuard = () => daemon?.child.kill('SIGKILL')
  process.on('exit', exitGuard)
  try {
    daemon = await startDaemon()
    const { base } = daemon

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
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
    if (page) {
      try {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-e2e-shot-'))
        const file = path.join(dir, 'failure.png')
        await page.screenshot({ path: file, fullPage: true })
        console.error(`[e2e] FAILED at ${page.url()}; screenshot saved to ${file}`)
      } catch (se) {
        console.error('[e2e] could not save screenshot:', se.message)
      }
    }
    if (daemon) console.error('[e2e] daemon output (tail):\n' + daemon.output.join('').split('\n').slice(-60).join('\n'))
    throw e
  } finally {
    await browser?.close().catch(() => undefined)
    await stopDaemon(daemon)
    process.off('exit', exitGuard)
  }
})
