// End-to-end: an agent works a call from the browser against the real hotlined daemon (--demo
// data) in headless Chromium, with SIPp as the agent's IP phone and as the citizen on the trunk.
//
// agent1 logs in to the web UI and goes 示闲 from the soft phone bar (F2). A citizen calls a
// number whose flow queues at once (general); agent1's phone (SIPp, extension 1001) rings and
// rings; the ringing banner shows the call and agent1 presses 接听 in it, so the daemon rings the
// phone again asking it to answer by itself (Call-Info answer-after=0), which it does; the screen
// pop shows the call (queue, masked number). agent1 hangs up from the soft phone bar; the citizen, still on the line, hears the satisfaction
// survey and presses 1, and the rating is stored against agent1's extension. The bar shows
// 话后处理, then agent1 ends it early and is 示闲 again. Last, agent1 dials a citizen from the bar
// (F8): the phone answers by itself, then the carrier on the trunk answers.
//
// Run from anywhere (see tests/e2e/README.md):
//   node tests/e2e/agent_workspace.test.mjs
// Env: HOTLINED (daemon binary, default <repo>/build/hotlined), CHROMIUM (default /usr/bin/chromium).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ADMIN, freePort, launchBrowser, log, login, reportFailure, sleep, startDaemon, stopDaemon, tid } from './harness.mjs'

const AGENT = { username: 'agent1', password: 'Hotline@2026', extension: '1001' }
const SIPP_DIR = fileURLToPath(new URL('../integration/sipp/', import.meta.url))
const SURVEY_KEY = '/usr/share/sip-tester/dtmf_2833_1.pcap'
const NUMBER = '84038440'

/** Runs SIPp with a scenario from tests/integration/sipp; resolves with its exit code and output. */
function sipp(daemon, { scenario, ip = '127.0.0.1', port, service, calls = 1, extra = [] }) {
  const args = [`127.0.0.1:${daemon.sipPort}`, '-sf', scenario, '-m', String(calls), '-i', ip, '-mi', ip, '-p', String(port),
    '-t', 'u1', '-s', service, '-nostdin', '-timeout', '60s', '-timeout_error', ...extra]
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (b) => { output += b })
    child.stderr.on('data', (b) => { output += b })
    child.on('exit', (code) => resolve({ code, output }))
  })
}

/** The REST API as a user (bearer token), for setting up and checking outside the browser. */
async function apiAs(base, user) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  })
  assert.equal(res.status, 200, `login ${user.username}`)
  const { token } = await res.json()
  return async (method, p, body) => {
    const r = await fetch(`${base}/api/v1/${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) : null }
  }
}

test('an agent takes a queued call from the browser, the caller rates it after the agent hangs up, then the agent dials out', { timeout: 280_000 }, async () => {
  let daemon
  let browser
  let page
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-e2e-agent-'))
  const exitGuard = () => daemon?.child.kill('SIGKILL')
  process.on('exit', exitGuard)
  try {
    daemon = await startDaemon()
    const { base } = daemon
    const admin = await apiAs(base, ADMIN)
    // A flow that queues at once, on its own number.
    const graph = { start: 'queue', nodes: { queue: { type: 'queue', queue: 'general', position: { x: 0, y: 0 } } } }
    const flow = await admin('POST', 'ivr/flows', { name: 'to_queue', draft: graph })
    assert.equal(flow.status, 201, JSON.stringify(flow.body))
    assert.equal((await admin('POST', `ivr/flows/${flow.body.id}/publish`, {})).status, 201)
    const route = await admin('POST', 'inbound-routes', { number: NUMBER, destination_type: 'ivr', destination: 'to_queue' })
    assert.equal(route.status, 201, JSON.stringify(route.body))

    // agent1's IP phone registers; it rings without answering until the daemon cancels the
    // offer, then answers the auto-answer INVITE at once and waits for the BYE.
    const phonePort = await freePort()
    const registered = await sipp(daemon, {
      scenario: path.join(SIPP_DIR, 'register_ok.xml'), port: phonePort, service: AGENT.extension,
      extra: ['-au', AGENT.extension, '-ap', AGENT.password],
    })
    assert.equal(registered.code, 0, registered.output)
    const phone = sipp(daemon, {
      scenario: path.join(SIPP_DIR, 'uas_answer_from_browser.xml'), port: phonePort, service: AGENT.extension, calls: 2,
    })

    browser = await launchBrowser()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await login(page, base, AGENT.username, AGENT.password)
    const bar = page.locator(tid('softphone'))
    await bar.waitFor({ state: 'visible' })
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'logged_out', tid('softphone'))
    await page.keyboard.press('F2') // 示闲
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'ready', tid('softphone'))
    log('agent1 ready')

    // The citizen calls; after 12 s on the line (the agent will have hung up by then) it
    // presses 1 in the survey and waits for the IVR's goodbye.
    const scenario = fs.readFileSync(path.join(SIPP_DIR, 'ivr_caller_hung_up.xml'), 'utf8')
      .replace('<nop>', '<pause milliseconds="12000"/>\n  <nop>')
      .replaceAll('[dtmf_pcap]', SURVEY_KEY)
      .replaceAll('[timeout_ms]', '40000')
    const callerScenario = path.join(scratch, 'caller.xml')
    fs.writeFileSync(callerScenario, scenario)
    const caller = sipp(daemon, { scenario: callerScenario, ip: '127.0.0.2', port: await freePort(), service: NUMBER })
    caller.then((r) => r.code === 0 || log('caller failed:', r.output.slice(-1500)))

    await page.locator(tid('softphone-ringing')).waitFor({ state: 'visible', timeout: 20_000 })
    await page.locator(tid('softphone-answer')).click() // 接听
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'talking', tid('softphone'), { timeout: 20_000 })
    log('agent1 talking')
    // The screen pop names the queue and masks the citizen's number.
    await page.locator(tid('menu-agent-workspace')).click()
    const queue = page.locator(tid('screenpop-queue')).first()
    await queue.waitFor({ state: 'visible', timeout: 10_000 })
    assert.match(await queue.innerText(), /general|综合咨询/)
    const number = await page.locator(tid('screenpop-caller')).first().innerText()
    assert.ok(number.includes('*') && !number.includes('13800138000'), `masked caller, got ${number}`)

    await page.locator(tid('softphone-hangup')).click()
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'wrap_up', tid('softphone'), { timeout: 10_000 })
    log('agent1 in wrap-up')
    const phoneRun = await phone
    assert.equal(phoneRun.code, 0, phoneRun.output) // the phone got the BYE

    const callerRun = await caller
    assert.equal(callerRun.code, 0, callerRun.output) // the IVR thanked it and hung up
    let ratings
    for (let i = 0; i < 50; i++) {
      ratings = await admin('GET', 'survey/ratings')
      if (ratings.body.total > 0) break
      await sleep(100)
    }
    assert.equal(ratings.body.total, 1, JSON.stringify(ratings.body))
    assert.equal(ratings.body.items[0].rating, 'satisfied')
    assert.equal(ratings.body.items[0].agent_extension, AGENT.extension)
    log('survey rated')

    // End the wrap-up early from the bar (if its 30 s have not run out already).
    const endWrapUp = page.locator(tid('softphone-end-wrap-up'))
    if (await endWrapUp.isEnabled().catch(() => false)) await endWrapUp.click()
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'ready', tid('softphone'), { timeout: 10_000 })
    log('agent1 ready again')

    // Click-to-dial (F8): agent1's phone answers by itself (it checks the auto-answer header)
    // and talks for 2 s; the carrier, listening where the demo trunk now points, answers the
    // citizen's leg and checks the trunk's caller ID.
    const carrierPort = await freePort()
    const trunks = await admin('GET', 'trunks')
    const trunk = trunks.body.items.find((t) => t.name === 'demo-carrier')
    assert.ok(trunk, JSON.stringify(trunks.body))
    assert.equal((await admin('PUT', `trunks/${trunk.id}`, { proxy: `127.0.0.2:${carrierPort}` })).status, 200)
    const carrier = sipp(daemon, { scenario: path.join(SIPP_DIR, 'carrier_answer.xml'), ip: '127.0.0.2', port: carrierPort, service: 'x' })
    const dialPhone = sipp(daemon, {
      scenario: path.join(SIPP_DIR, 'uas_auto_answer.xml'), port: phonePort, service: AGENT.extension, extra: ['-d', '2000'],
    })
    await sleep(500) // both SIPp processes listening
    await page.keyboard.press('F8')
    const dialog = page.locator(tid('softphone-target-dialog'))
    await dialog.waitFor({ state: 'visible' })
    await dialog.locator(tid('softphone-target-input')).fill('13800138000')
    await dialog.locator(tid('softphone-target-submit')).click()
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'talking', tid('softphone'), { timeout: 10_000 })
    log('agent1 dialling out')
    assert.equal((await dialPhone).code, 0, 'the phone answered by itself and hung up')
    assert.equal((await carrier).code, 0, 'the carrier answered with the trunk caller ID')
    await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'ready', tid('softphone'), { timeout: 10_000 })
    const outbound = await admin('GET', 'calls?direction=outbound')
    assert.equal(outbound.body.total, 1, JSON.stringify(outbound.body))
    assert.equal(outbound.body.items[0].answered_by, AGENT.extension)
    log('PASS')
  } catch (e) {
    await reportFailure(page, daemon)
    throw e
  } finally {
    await browser?.close().catch(() => undefined)
    await stopDaemon(daemon)
    fs.rmSync(scratch, { recursive: true, force: true })
    process.off('exit', exitGuard)
  }
})
