/** Client-side mirror of the server's password policy; returns i18n keys of the rules broken. */
export function passwordProblems(pw: string, username: string): string[] {
  const out: string[] = []
  if (pw.length < 8) out.push('password.tooShort')
  let classes = 0
  if (/[A-Z]/.test(pw)) classes++
  if (/[a-z]/.test(pw)) classes++
  if (/[0-9]/.test(pw)) classes++
  if (/[^A-Za-z0-9]/.test(pw)) classes++
  if (classes < 3) out.push('password.tooFewClasses')
  if (username && pw.toLowerCase().includes(username.toLowerCase())) out.push('password.containsUsername')
  return out
}
