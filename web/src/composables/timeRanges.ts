// Opening hours as the calendar stores them ("08:30-12:00") and as the UI edits them: one text
// per day, ranges separated by commas, semicolons or spaces.

const RANGE = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/

export function parseRanges(text: string): { ranges: string[]; bad: string[] } {
  const ranges: string[] = []
  const bad: string[] = []
  for (const raw of text.split(/[,;，；\s]+/)) {
    const r = raw.trim().replace(/[–—~～]/g, '-')
    if (!r) continue
    const m = RANGE.exec(r)
    if (!m || `${m[1]}${m[2]}` >= `${m[3]}${m[4]}`) bad.push(raw)
    else ranges.push(r)
  }
  return { ranges, bad }
}

export function formatRanges(ranges: string[] | undefined): string {
  return (ranges ?? []).join(', ')
}
