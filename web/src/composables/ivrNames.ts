/** Names of flows, calendars, prompts and data sources (what flows refer to). */
export const NAME_PATTERN = /^[a-z0-9_-]{1,64}$/

/** Reads a picked file as UTF-8 text (CSV imports). */
export function readFileText(file: File): Promise<string> {
  return file.text()
}
