// End-to-end: the IVR admin screens against the real hotlined daemon (--demo data) in headless
// Chromium.
//
// admin opens 流程设计 → the demo flow `main`; the graph shows its nodes. A play node added
// without a way out makes Validate name it; giving it a prompt and connecting its exit makes
// Validate pass; a second node is removed with the Delete key. Ctrl+S saves the draft.
// 试发布 refuses the unfinished draft naming the node, then puts the finished one on the test
// line and shows the code to dial ("*77" + flow id) and when; 撤回 takes it off. Publish
// raises the published version by one. 工作日历: a two-line CSV import shows both dates in the
// exceptions. 语音文件: a TTS prompt's preview is real WAV audio from the server. 留言 lists.
// agent1 sees 留言 but not 流程设计 in the menu, and gets the 403 page on /ivr/flows.
//
// Run from anywhere (see tests/e2e/README.md):
//   node tests/e2e/ivr_designer.test.mjs
// Env: HOTLINED (daemon binary, default <repo>/build/hotlined), CHROMIUM (default /usr/bin/chromium).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ADMIN, launchBrowser, log, login, reportFailure, startDaemon, stopDaemon, tid } from './harness.mjs'

const AGENT = { username: 'agent1', password: 'Hotline@2026' }

/** Resolves with the first response to METHOD /api/v1/<path> (set up before the action). */
const apiResponse = (page, method, path) =>
  page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === `/api/v1/${path}`)

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

/** The number in the designer's published-version tag ("第 3 版" / "v3"), or null. */
async function publishedVersion(page) {
  const text = await page.locator(tid('designer-published-version')).innerText()
  const m = /(\d+)/.exec(text)
  return m ? Number(m[1]) : null
}

/** Picks the option whose label contains `text` in the el-select inside `testid`. */
async function pickOption(page, testid, text) {
  await page.locator(`${tid(testid)} .el-select__wrapper`).click()
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first()
  await option.waitFor({ state: 'visible' })
  await option.click()
}

test('admin designs, validates and publishes a flow; calendars, prompts, messages; agent has no designer', { timeout: 280_000 }, async () => {
  let daemon
  let browser
  let page
  const exitGuard = () => daemon?.child.kill('SIGKILL')
  process.on('exit', exitGuard)
  try {
    daemon = await startDaemon()
    const { base } = daemon

    browser = await launchBrowser()
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } })
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
    const pageErrors = []
    page.on('pageerror', (e) => pageErrors.push(String(e)))

    // --- 流程设计: the demo flow's graph -----------------------------------------------------
    await login(page, base, ADMIN.username, ADMIN.password)
    log('admin logged in')
    const flowsLoaded = apiResponse(page, 'GET', 'ivr/flows')
    await page.locator(tid('menu-ivr-flows')).click()
    await page.waitForURL(/\/ivr\/flows$/)
    assert.equal((await flowsLoaded).status(), 200, 'GET /api/v1/ivr/flows answers 200')
    await tableSettled(page, 'flows-table')
    await page.locator(tid('flow-open-main')).click()
    await page.waitForURL(/\/ivr\/flows\/\d+$/)
    await page.locator(tid('flow-node-welcome')).waitFor({ state: 'visible' })
    await page.locator(tid('flow-node-main_menu')).waitFor({ state: 'visible' })
    const nodeCount = await page.locator('.vue-flow__node').count()
    log('demo flow nodes on the canvas:', nodeCount)
    assert.ok(nodeCount >= 10, `the demo flow shows its nodes (got ${nodeCount})`)
    assert.ok((await page.locator('.vue-flow__edge').count()) >= 10, 'the demo flow shows its exits as edges')
    const menuCard = await page.locator(tid('flow-node-main_menu')).innerText()
    assert.match(menuCard, /主菜单/, 'the menu card shows its name')
    for (const exit of ['1', '2', '3', '0', 'timeout', 'invalid']) {
      assert.equal(await page.locator(tid(`handle-main_menu-${exit}`)).count(), 1, `the menu has a handle for exit ${exit}`)
    }
    const before = await publishedVersion(page)
    assert.ok(before !== null && before >= 1, `the demo flow is published (version ${before})`)
    log('published version before:', before)

    // --- a play node with no way out: Validate names it -------------------------------------
    await page.locator(tid('palette-play')).click()
    await page.locator(tid('flow-node-play_1')).waitFor({ state: 'visible' })
    assert.equal(await page.locator(tid('node-id')).inputValue(), 'play_1', 'the new node is selected')
    await page.locator(tid('designer-dirty')).waitFor({ state: 'visible' })

    let validated = apiResponse(page, 'POST', `ivr/flows/${page.url().split('/').pop()}/validate`)
    await page.locator(tid('designer-validate')).click()
    assert.equal((await validated).status(), 200, 'validate answers 200')
    await page.locator(tid('validate-failed')).waitFor({ state: 'visible' })
    const issueForNode = page.locator(`${tid('designer-issues')} .issue[data-node="play_1"]`)
    await issueForNode.first().waitFor({ state: 'visible' })
    const issueTexts = await issueForNode.allInnerTexts()
    log('issues naming play_1:', issueTexts.map((s) => s.replace(/\s+/g, ' ')).join(' | '))
    assert.ok(issueTexts.some((s) => s.includes('play_1') && /exits\.next/.test(s)), 'an issue names play_1 and its missing exit')
    // 试发布 refuses it the same way, naming the node, and nothing goes on the test line.
    let testPublished = apiResponse(page, 'POST', `ivr/flows/${page.url().split('/').pop()}/test-publish`)
    await page.locator(tid('designer-test-publish')).click()
    const refusedTest = await testPublished
    assert.equal(refusedTest.status(), 422, 'test-publish of an unfinished draft answers 422')
    assert.equal((await refusedTest.json()).error.code, 'flow_not_publishable')
    await page.locator(tid('validate-failed')).waitFor({ state: 'visible' })
    await issueForNode.first().waitFor({ state: 'visible' })
    assert.equal(await page.locator(tid('test-line')).count(), 0, 'no test line after a refusal')
    await page.locator('.el-message--error').first().waitFor({ state: 'hidden' })
    // Clicking the issue selects the node.
    await page.locator(tid('flow-node-welcome')).click()
    await issueForNode.first().click()
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === 'play_1', tid('node-id'))

    // --- give it a prompt and connect it: Validate passes -----------------------------------
    await page.locator(tid('node-prompts-text-0')).fill('这是端到端测试的提示音。')
    await pickOption(page, 'node-exit-next', '(goodbye)')
    await page.locator(`${tid('flow-node-play_1')}`).waitFor({ state: 'visible' })
    assert.ok((await page.locator('.vue-flow__edge[data-id="play_1::next"]').count()) === 1, 'the new exit is drawn as an edge')
    validated = apiResponse(page, 'POST', `ivr/flows/${page.url().split('/').pop()}/validate`)
    await page.locator(tid('designer-validate')).click()
    const validBody = await (await validated).json()
    assert.equal(validBody.ok, true, `validate ok after connecting: ${JSON.stringify(validBody.errors)}`)
    await page.locator(tid('validate-ok')).waitFor({ state: 'visible' })
    assert.equal(await page.locator(`${tid('designer-issues')} .issue.error`).count(), 0, 'no errors are listed')

    // --- Delete removes the selected node -------------------------------------------------------
    await page.locator(tid('palette-hangup')).click()
    await page.locator(tid('flow-node-hangup_1')).waitFor({ state: 'visible' })
    await page.locator(tid('flow-node-hangup_1')).click()
    await page.keyboard.press('Delete')
    await page.locator(tid('flow-node-hangup_1')).waitFor({ state: 'detached' })

    // --- Ctrl+S saves the draft ----------------------------------------------------------------
    // (Validate saved the draft; the added-then-deleted node left it as saved.) Rename the node.
    await page.locator(tid('flow-node-play_1')).click()
    await page.locator(tid('node-name')).fill('端到端放音')
    await page.locator(tid('designer-dirty')).waitFor({ state: 'visible' })
    await page.locator(tid('flow-node-play_1')).waitFor({ state: 'visible' })
    assert.match(await page.locator(tid('flow-node-play_1')).innerText(), /端到端放音/, 'the card shows the new name')
    const saved = apiResponse(page, 'PUT', `ivr/flows/${page.url().split('/').pop()}`)
    await page.locator(tid('designer-canvas')).click({ position: { x: 30, y: 30 } })
    await page.keyboard.press('Control+s')
    const savedRes = await saved
    assert.equal(savedRes.status(), 200, 'PUT draft answers 200')
    const savedDraft = (await savedRes.json()).draft
    assert.equal(savedDraft.nodes.play_1?.name, '端到端放音', 'the saved draft has the new node and its name')
    assert.equal(savedDraft.nodes.play_1.exits.next, 'goodbye', 'and its exit')
    assert.ok(savedDraft.nodes.play_1.position, 'and its position')
    assert.ok(!savedDraft.nodes.hangup_1, 'the deleted node is gone')
    await page.locator(tid('designer-dirty')).waitFor({ state: 'hidden' })

    // --- 试发布: the draft goes on the test line, the code to dial is shown ---------------------
    const flowIdText = page.url().split('/').pop()
    testPublished = apiResponse(page, 'POST', `ivr/flows/${flowIdText}/test-publish`)
    await page.locator(tid('designer-test-publish')).click()
    const testRes = await testPublished
    assert.equal(testRes.status(), 200, 'test-publish answers 200')
    const testBody = await testRes.json()
    assert.equal(testBody.test_code, `*77${flowIdText}`, 'the test code is *77 + the flow id')
    await page.locator(tid('test-line')).waitFor({ state: 'visible' })
    const dialText = await page.locator(tid('test-dial')).innerText()
    log('test line:', dialText)
    assert.ok(dialText.includes(`用内部分机拨打 *77${flowIdText} 试听`), `the code to dial is shown (${dialText})`)
    assert.match(await page.locator(tid('test-published-at')).innerText(), /试发布于 \d{4}-\d{2}-\d{2}/, 'and when it was test-published')
    assert.equal(await page.locator(tid('test-stale')).count(), 0, 'the test line has the current draft')
    assert.equal(await publishedVersion(page), before, 'test-publish does not publish')
    // 撤回 takes it off the test line.
    await page.locator(tid('test-withdraw')).click()
    const withdrawn = apiResponse(page, 'DELETE', `ivr/flows/${flowIdText}/test-publish`)
    await page.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await withdrawn).status(), 204, 'withdraw answers 204')
    await page.locator(tid('test-line')).waitFor({ state: 'detached' })

    // --- Publish: the version goes up by one --------------------------------------------------
    await page.locator(tid('designer-publish')).click()
    await page.locator(tid('publish-note')).fill('端到端测试发布')
    const published = apiResponse(page, 'POST', `ivr/flows/${page.url().split('/').pop()}/publish`)
    await page.locator(tid('publish-confirm')).click()
    const pubRes = await published
    assert.equal(pubRes.status(), 201, 'publish answers 201')
    await page.locator(tid('publish-dialog')).waitFor({ state: 'hidden' })
    await page.waitForFunction(
      ([sel, want]) => (document.querySelector(sel)?.textContent ?? '').includes(String(want)),
      [tid('designer-published-version'), before + 1],
    )
    assert.equal(await publishedVersion(page), before + 1, 'the published version increments')
    await page.locator(tid('designer-versions')).click()
    const versions = await tableSettled(page, 'versions-table')
    await versions.locator('.el-table__body tr', { hasText: `v${before + 1}` }).first().waitFor({ state: 'visible' })
    assert.match(await versions.locator('.el-table__body tr').first().innerText(), /端到端测试发布/, 'the newest version shows the note')
    await page.keyboard.press('Escape')
    log('published version after:', before + 1)

    // --- 工作日历: import two dates ------------------------------------------------------------
    await page.locator(tid('menu-ivr-calendars')).click()
    await page.waitForURL(/\/ivr\/calendars$/)
    const calendars = await tableSettled(page, 'calendars-table')
    await calendars.locator('.el-table__body tr', { hasText: 'default' }).first().click()
    await page.locator(tid('calendar-editor')).waitFor({ state: 'visible' })
    await page.locator(tid('calendar-import')).click()
    await page.locator(tid('csv-text')).fill('2027-01-01,休,元旦\n2027-02-07,班,春节调休,08:30-12:00')
    const imported = apiResponse(page, 'POST', `ivr/calendars/${await calendarIdOf(page)}/import`)
    await page.locator(tid('csv-submit')).click()
    assert.equal((await imported).status(), 200, 'calendar import answers 200')
    await page.locator(tid('csv-dialog')).waitFor({ state: 'hidden' })
    const exceptions = page.locator(tid('calendar-exceptions'))
    const exceptionRows = async () =>
      exceptions.locator('.el-table__body tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('input')].map((i) => i.value).join(' ')),
      )
    await page.waitForFunction(
      (sel) => [...document.querySelectorAll(`${sel} .el-table__body input`)].some((i) => i.value === '春节调休'),
      tid('calendar-exceptions'),
    )
    const rowsText = (await exceptionRows()).join(' | ')
    log('calendar exceptions:', rowsText)
    assert.match(rowsText, /2027-01-01.*元旦/, 'the holiday is listed')
    assert.match(rowsText, /2027-02-07.*春节调休.*08:30-12:00/, 'the make-up day is listed with its hours')

    // --- 语音文件: a TTS prompt and its preview audio ------------------------------------------
    await page.locator(tid('menu-ivr-prompts')).click()
    await page.waitForURL(/\/ivr\/prompts$/)
    await tableSettled(page, 'prompts-table')
    await page.locator(tid('prompt-create-tts')).click()
    await page.locator(tid('tts-name')).fill('e2e_welcome')
    await page.locator(tid('tts-text')).fill('您好，这是语音合成试听。')
    const preview = apiResponse(page, 'POST', 'ivr/speech-preview')
    await page.locator(tid('tts-preview')).click()
    const previewRes = await preview
    assert.equal(previewRes.status(), 200, 'speech preview answers 200')
    assert.match(previewRes.headers()['content-type'] ?? '', /audio\/wav/, 'speech preview is audio/wav')
    // The audio the page received (playwright cannot always hand back a body the page read as a
    // Blob), so the same request is made again from the page and its bytes inspected.
    const wav = Buffer.from(
      await page.evaluate(async () => {
        const res = await fetch('/api/v1/ivr/speech-preview', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: '您好，这是语音合成试听。' }),
        })
        return [...new Uint8Array(await res.arrayBuffer())]
      }),
    )
    assert.equal(wav.subarray(0, 4).toString('latin1'), 'RIFF', 'the preview is a RIFF file')
    assert.equal(wav.subarray(8, 12).toString('latin1'), 'WAVE', 'the preview is a WAVE file')
    assert.ok(wav.length > 1000, `the preview has audio (${wav.length} bytes)`)
    const created = apiResponse(page, 'POST', 'ivr/prompts')
    await page.locator(tid('tts-submit')).click()
    assert.equal((await created).status(), 201, 'TTS prompt created')
    const promptRow = page.locator(`${tid('prompts-table')} .el-table__body tr`, { hasText: 'e2e_welcome' }).first()
    await promptRow.waitFor({ state: 'visible' })
    const audio = page.waitForResponse((r) => /\/api\/v1\/ivr\/prompts\/\d+\/audio$/.test(new URL(r.url()).pathname))
    await page.locator(tid('prompt-play-e2e_welcome')).click()
    const audioRes = await audio
    assert.ok([200, 206].includes(audioRes.status()), `prompt audio answers 200/206 (${audioRes.status()})`)
    assert.match(audioRes.headers()['content-type'] ?? '', /audio\/wav/, 'prompt audio is audio/wav')

    // --- 留言 lists ------------------------------------------------------------------------------
    const messagesLoaded = apiResponse(page, 'GET', 'messages')
    await page.locator(tid('menu-messages')).click()
    await page.waitForURL(/\/messages$/)
    assert.equal((await messagesLoaded).status(), 200, 'GET /api/v1/messages answers 200')
    await tableSettled(page, 'messages-table')

    const errorToasts = await page.locator('.el-message--error').allInnerTexts()
    assert.deepEqual(errorToasts, [], 'no error message was shown')
    assert.deepEqual(pageErrors, [], 'no uncaught script errors')

    // --- agent1: messages yes, designer no -----------------------------------------------------
    await page.locator(tid('logout')).click()
    await page.locator(tid('login-username')).waitFor()
    await login(page, base, AGENT.username, AGENT.password)
    log('agent1 logged in')
    await page.locator(tid('menu-messages')).waitFor({ state: 'visible' })
    for (const id of ['menu-ivr', 'menu-ivr-flows', 'menu-ivr-calendars', 'menu-ivr-prompts', 'menu-ivr-data-sources']) {
      assert.equal(await page.locator(tid(id)).count(), 0, `agent menu must not show ${id}`)
    }
    await page.goto(`${base}/ivr/flows`)
    await page.locator(tid('page-403')).waitFor({ state: 'visible' })
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

/** The id of the calendar shown in the editor, asked from the API by its name. */
async function calendarIdOf(page) {
  return page.evaluate(async () => {
    const res = await fetch('/api/v1/ivr/calendars', { credentials: 'same-origin' })
    const body = await res.json()
    return body.items.find((c) => c.name === 'default').id
  })
}
