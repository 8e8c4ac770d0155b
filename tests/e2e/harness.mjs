// Shared by the browser tests: start and stop the real daemon on free loopback ports, launch
// Debian's Chromium headless, log in through the login page.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const requireFromWeb = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = requireFromWeb('playwright-core')

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const HOTLINED = path.resolve(REPO, process.env.HOTLINED || 'build/hotlined')
const WEB_ROOT = path.join(REPO, 'web', 'dist')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

export { chromium }
export const ADMIN = { username: 'admin', password: 'Hotline@2026' }

/** Debian's Chromium, headless, with the flags the project requires. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

export const log = (...a) => console.log('[e2e]', ...a)

export function freePort() {
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Starts the daemon; resolves once GET /healthz answers 200. */
export async function startDaemon() {
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

  const daemon = { child, base, dataDir, sipPort, output, get exited() { return exited } }
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

export async function stopDaemon(d) {
  if (!d) return
  if (!d.exited) {
    d.child.kill('SIGTERM')
    for (let i = 0; i < 50 && !d.exited; i++) await sleep(100)
    if (!d.exited) d.child.kill('SIGKILL')
  }
  fs.rmSync(d.dataDir, { recursive: true, force: true })
}

export const tid = (id) => `[data-testid="${id}"]`

export async function login(page, base, username, password) {
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

/** After a failure: a screenshot of the page and the tail of the daemon's output. */
export async function reportFailure(page, daemon) {
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
}
