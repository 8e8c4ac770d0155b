// The property panel's fields per node type (the parameters of src/ivr/flow_model.hpp).
import type { NodeType } from '@/api/ivr-types'

export type FieldKind =
  | 'prompts'
  | 'int'
  | 'bool'
  | 'text'
  | 'textarea'
  | 'select'
  | 'calendar'
  | 'source'
  | 'flow'
  | 'params'
  | 'keys'

export interface FieldSpec {
  key: string
  kind: FieldKind
  /** For `select`: the values (labels are ivr.fieldOptions.<key>.<value>). */
  options?: string[]
  min?: number
  max?: number
  step?: number
}

const prompts = (key = 'prompts'): FieldSpec => ({ key, kind: 'prompts' })
const ms = (key: string): FieldSpec => ({ key, kind: 'int', min: 100, max: 600000, step: 500 })

export const NODE_FIELDS: Record<NodeType, FieldSpec[]> = {
  play: [prompts(), { key: 'interruptible', kind: 'bool' }],
  menu: [
    prompts(),
    { key: 'keys', kind: 'keys' },
    ms('timeout_ms'),
    { key: 'max_retries', kind: 'int', min: 0, max: 9 },
    prompts('invalid_prompts'),
    prompts('timeout_prompts'),
  ],
  collect: [
    prompts(),
    { key: 'variable', kind: 'text' },
    { key: 'min_length', kind: 'int', min: 1, max: 64 },
    { key: 'max_length', kind: 'int', min: 1, max: 64 },
    { key: 'terminator', kind: 'select', options: ['#', '*', ''] },
    ms('first_digit_timeout_ms'),
    ms('inter_digit_timeout_ms'),
    { key: 'validate', kind: 'select', options: ['', 'digits', 'id_number'] },
    { key: 'sensitive', kind: 'bool' },
    { key: 'attempts', kind: 'int', min: 1, max: 9 },
    prompts('retry_prompts'),
    { key: 'star_as', kind: 'text' },
  ],
  time_condition: [{ key: 'calendar', kind: 'calendar' }],
  set_variable: [
    { key: 'variable', kind: 'text' },
    { key: 'value', kind: 'text' },
  ],
  data_query: [
    { key: 'source', kind: 'source' },
    { key: 'params', kind: 'params' },
    { key: 'result_variable', kind: 'text' },
    ms('timeout_ms'),
  ],
  say_result: [
    { key: 'text', kind: 'textarea' },
    { key: 'result_variable', kind: 'text' },
    { key: 'interruptible', kind: 'bool' },
  ],
  queue: [
    { key: 'queue', kind: 'text' },
    { key: 'priority', kind: 'int', min: -100, max: 100 },
  ],
  transfer: [{ key: 'target', kind: 'text' }],
  message: [prompts(), { key: 'max_seconds', kind: 'int', min: 5, max: 600, step: 10 }],
  survey: [prompts(), ms('timeout_ms')],
  hangup: [prompts()],
  goto_flow: [{ key: 'flow', kind: 'flow' }],
}
