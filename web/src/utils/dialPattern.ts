// Client-side mirror of the server's outbound dial-pattern grammar, for the "test a number" boxes:
//   0-9    the digit itself
//   X      any digit          Z  1-9          N  2-9
//   [..]   one digit from a set or ranges, e.g. [1-5], [135], [1-357]
//   .      (last character only) one or more further digits
// Example: 1[3-9]XXXXXXXXX (mainland mobiles), 0XXXXXXXXX. (long distance).
// Same rules as the server (src/store/dial_pattern.cpp): at most 64 characters, a '.' needs at
// least one position before it.

export const MAX_PATTERN_LENGTH = 64

/** Why a pattern is invalid: an i18n key under `dialPattern.` plus the 0-based position. */
export interface PatternProblem {
  key: 'empty' | 'tooLong' | 'badChar' | 'unclosed' | 'emptySet' | 'badRange' | 'dotNotLast'
  at: number
}

export type CompiledPattern = { ok: true; regex: RegExp } | { ok: false; problem: PatternProblem }

/** Compiles a pattern (X/Z/N case-insensitive) to an anchored RegExp over the dialled digits. */
export function compilePattern(pattern: string): CompiledPattern {
  const p = pattern.trim().toUpperCase()
  if (!p) return { ok: false, problem: { key: 'empty', at: 0 } }
  if (p.length > MAX_PATTERN_LENGTH) return { ok: false, problem: { key: 'tooLong', at: MAX_PATTERN_LENGTH } }
  let re = '^'
  for (let i = 0; i < p.length; i++) {
    const c = p[i]
    if (c >= '0' && c <= '9') re += c
    else if (c === 'X') re += '[0-9]'
    else if (c === 'Z') re += '[1-9]'
    else if (c === 'N') re += '[2-9]'
    else if (c === '.') {
      if (i !== p.length - 1) return { ok: false, problem: { key: 'dotNotLast', at: i } }
      if (i === 0) return { ok: false, problem: { key: 'badChar', at: i } }
      re += '[0-9]+'
    } else if (c === '[') {
      const close = p.indexOf(']', i + 1)
      if (close < 0) return { ok: false, problem: { key: 'unclosed', at: i } }
      const body = p.slice(i + 1, close)
      if (!body) return { ok: false, problem: { key: 'emptySet', at: i } }
      let cls = ''
      for (let j = 0; j < body.length; j++) {
        const d = body[j]
        if (d < '0' || d > '9') return { ok: false, problem: { key: 'badChar', at: i + 1 + j } }
        if (body[j + 1] === '-') {
          const hi = body[j + 2]
          if (hi === undefined || hi < '0' || hi > '9' || hi < d) {
            return { ok: false, problem: { key: 'badRange', at: i + 1 + j } }
          }
          cls += `${d}-${hi}`
          j += 2
        } else {
          cls += d
        }
      }
      re += `[${cls}]`
      i = close
    } else {
      return { ok: false, problem: { key: 'badChar', at: i } }
    }
  }
  return { ok: true, regex: new RegExp(re + '$') }
}

/** Whether `number` (digits only) matches `pattern`; false for an invalid pattern. */
export function matchesPattern(pattern: string, number: string): boolean {
  const c = compilePattern(pattern)
  return c.ok && c.regex.test(number.trim())
}

/** The number as sent to the carrier: `strip` digits removed from the front, then `prepend` added. */
export function rewriteNumber(number: string, strip: number, prepend: string): string {
  return (prepend ?? '') + number.trim().slice(Math.max(0, strip || 0))
}
