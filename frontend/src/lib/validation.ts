/** The shape of an email address, checked before asking the server (which decides for real). */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function looksLikeEmail(text: string): boolean {
  return EMAIL_SHAPE.test(text.trim())
}
