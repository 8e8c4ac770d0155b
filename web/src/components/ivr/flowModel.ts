// What the designer knows about each node type (docs/ivr_flows.md, src/ivr/flow_model.hpp):
// its exits, the fields its property panel edits and the parameters a new node starts with.
// The exits mirror ivr::required_exits; menus add one exit per configured key.
import type { FlowGraph, FlowNode, NodeType, PromptItem } from '@/api/ivr-types'

export const NODE_TYPES: NodeType[] = [
  'play',
  'menu',
  'collect',
  'time_condition',
  'set_variable',
  'data_query',
  'say_result',
  'queue',
  'transfer',
  'message',
  'survey',
  'hangup',
  'goto_flow',
]

/** Card colour per type: inputs blue, logic purple, data teal, ends orange/red. */
export const NODE_COLORS: Record<NodeType, string> = {
  play: '#1f5fbf',
  menu: '#2b7de9',
  collect: '#2b7de9',
  time_condition: '#7b4fc9',
  set_variable: '#7b4fc9',
  data_query: '#138a8a',
  say_result: '#138a8a',
  queue: '#d9822b',
  transfer: '#d9822b',
  message: '#5a8f29',
  survey: '#5a8f29',
  hangup: '#c0392b',
  goto_flow: '#d9822b',
}

/** Short glyphs shown on the cards and in the palette (no icon font needed). */
export const NODE_GLYPHS: Record<NodeType, string> = {
  play: '▶',
  menu: '☰',
  collect: '#',
  time_condition: '◷',
  set_variable: '=',
  data_query: '⌕',
  say_result: '♪',
  queue: '☎',
  transfer: '⇄',
  message: '✉',
  survey: '★',
  hangup: '✕',
  goto_flow: '↪',
}

const FIXED_EXITS: Record<NodeType, string[]> = {
  play: ['next'],
  set_variable: ['next'],
  say_result: ['next'],
  message: ['next'],
  survey: ['next'],
  menu: ['timeout', 'invalid'],
  collect: ['ok', 'failed'],
  time_condition: ['open', 'closed'],
  data_query: ['found', 'not_found', 'error'],
  queue: [],
  transfer: [],
  hangup: [],
  goto_flow: [],
}

export const MENU_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#']

export function isMenuKey(exit: string): boolean {
  return exit.length === 1 && /[0-9*#A-D]/.test(exit)
}

/**
 * The designer's own state inside the graph's `ui` (kept as is by the server): the keys a menu
 * offers before they are connected, and the viewport.
 */
export interface DesignerUi {
  menu_keys?: Record<string, string[]>
  viewport?: { x: number; y: number; zoom: number }
}

export function designerUi(graph: FlowGraph): DesignerUi {
  const ui = graph.ui
  return ui && typeof ui === 'object' && !Array.isArray(ui) ? (ui as DesignerUi) : {}
}

/** The keys a menu offers: those with an exit plus those configured but not yet connected. */
export function menuKeys(graph: FlowGraph, id: string): string[] {
  const node = graph.nodes[id]
  const keys = new Set<string>(Object.keys(node?.exits ?? {}).filter(isMenuKey))
  for (const k of designerUi(graph).menu_keys?.[id] ?? []) keys.add(k)
  return MENU_KEYS.filter((k) => keys.has(k)).concat([...keys].filter((k) => !MENU_KEYS.includes(k)))
}

/** The exits a node shows as handles, in display order. */
export function exitsOf(graph: FlowGraph, id: string): string[] {
  const node = graph.nodes[id]
  if (!node) return []
  if (node.type === 'menu') return [...menuKeys(graph, id), ...FIXED_EXITS.menu]
  return FIXED_EXITS[node.type] ?? []
}

/** Nodes that must say something start with one empty text item, ready to type into. */
const text = (): PromptItem[] => [{ text: '' }]

/** Parameters of a new node (the server's defaults, made explicit so the panel shows them). */
export function newNode(type: NodeType, name: string): FlowNode {
  const base: FlowNode = { type, name, exits: {} }
  switch (type) {
    case 'play':
      return { ...base, prompts: text(), interruptible: false }
    case 'menu':
      return { ...base, prompts: text(), timeout_ms: 5000, max_retries: 2, invalid_prompts: [], timeout_prompts: [] }
    case 'collect':
      return {
        ...base,
        prompts: text(),
        min_length: 1,
        max_length: 20,
        terminator: '#',
        first_digit_timeout_ms: 5000,
        inter_digit_timeout_ms: 3000,
        validate: '',
        variable: '',
        sensitive: false,
        attempts: 2,
        retry_prompts: [],
        star_as: '',
      }
    case 'time_condition':
      return { ...base, calendar: 'default' }
    case 'set_variable':
      return { ...base, variable: '', value: '' }
    case 'data_query':
      return { ...base, source: '', params: { id_number: '{id_number}' }, result_variable: 'result', timeout_ms: 8000 }
    case 'say_result':
      return { ...base, text: '', result_variable: 'result', interruptible: false }
    case 'queue':
      return { ...base, queue: '', priority: 0 }
    case 'transfer':
      return { ...base, target: '' }
    case 'message':
      return { ...base, prompts: [], max_seconds: 120 }
    case 'survey':
      return { ...base, prompts: text(), timeout_ms: 8000 }
    case 'hangup':
      return { ...base, prompts: [] }
    case 'goto_flow':
      return { ...base, flow: '' }
  }
}

/** A node id not used yet: `<type>_<n>`. */
export function freshNodeId(graph: FlowGraph, type: NodeType): string {
  for (let n = 1; ; n++) {
    const id = `${type}_${n}`
    if (!graph.nodes[id]) return id
  }
}

/** Removes a node and every exit leading to it; start / fallback naming it are cleared. */
export function removeNode(graph: FlowGraph, id: string) {
  delete graph.nodes[id]
  for (const node of Object.values(graph.nodes)) {
    for (const [exit, target] of Object.entries(node.exits ?? {})) {
      if (target === id) delete node.exits![exit]
    }
  }
  const ui = designerUi(graph)
  if (ui.menu_keys) delete ui.menu_keys[id]
  if (graph.start === id) graph.start = ''
  if (graph.fallback === id) graph.fallback = ''
}

/** Renames a node id, following every exit, start and fallback that named it. */
export function renameNode(graph: FlowGraph, from: string, to: string) {
  if (from === to || !graph.nodes[from] || graph.nodes[to]) return
  graph.nodes[to] = graph.nodes[from]
  delete graph.nodes[from]
  for (const node of Object.values(graph.nodes)) {
    for (const [exit, target] of Object.entries(node.exits ?? {})) {
      if (target === from) node.exits![exit] = to
    }
  }
  const ui = designerUi(graph)
  if (ui.menu_keys?.[from]) {
    ui.menu_keys[to] = ui.menu_keys[from]
    delete ui.menu_keys[from]
  }
  if (graph.start === from) graph.start = to
  if (graph.fallback === from) graph.fallback = to
}

/** A deep copy through JSON (graphs are plain JSON). */
export function cloneGraph<T>(g: T): T {
  return JSON.parse(JSON.stringify(g)) as T
}

/** The graph as sent to the server: empty start/fallback dropped, `ui` kept. */
export function graphForSave(graph: FlowGraph): FlowGraph {
  const out = cloneGraph(graph)
  if (!out.fallback) delete out.fallback
  delete out.version
  return out
}

/** One-line summary of a node for its card (what it plays, where it goes). */
export function nodeSummary(node: FlowNode): string {
  const firstPrompt = (node.prompts ?? [])
    .map((p) => ('text' in p ? p.text : `[${p.prompt}]`))
    .find((s) => s && s.trim())
  switch (node.type) {
    case 'time_condition':
      return node.calendar ?? ''
    case 'set_variable':
      return node.variable ? `${node.variable} = ${node.value ?? ''}` : ''
    case 'data_query':
      return node.source ?? ''
    case 'say_result':
      return node.text ?? ''
    case 'queue':
      return node.queue ?? ''
    case 'transfer':
      return node.target ?? ''
    case 'goto_flow':
      return node.flow ?? ''
    default:
      return firstPrompt ?? ''
  }
}
