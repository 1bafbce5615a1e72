import { ref } from 'vue'
import { ApiError, errorMessage } from '../services/api'

export interface ActionOptions {
  /**
   * The text a coach reads for a failure, when the default (`what` then the server's message) does
   * not fit, e.g. GoTrue codes turned into sentences.
   */
  describe?: (error: unknown, what: string) => string
}

/** What a call said when it worked: fixed text, or text made from its result. */
export type Done<T> = string | ((result: T) => string)

/**
 * The busy flag, error, success message and field errors of the writes a screen makes (the
 * counterpart of `useLoader` for reads). `run` never throws: a failure becomes `error` ("The clip was
 * not deleted. <why>") and, for a refused body, `fieldErrors`, so every caller reads the same way.
 */
export function useAction(options: ActionOptions = {}) {
  const busy = ref(false)
  const error = ref<string | null>(null)
  const message = ref<string | null>(null)
  const fieldErrors = ref<Record<string, string[]>>({})

  const describe =
    options.describe ??
    ((e: unknown, what: string) => (what ? `${what} ${errorMessage(e)}` : errorMessage(e)))

  async function call<T>(what: string, fn: () => Promise<T>, done?: Done<T>) {
    error.value = null
    fieldErrors.value = {}
    // A call that announces its success clears the last announcement first, so a failure never
    // leaves an earlier success standing above its error.
    if (done !== undefined) message.value = null
    busy.value = true
    try {
      const value = await fn()
      if (done !== undefined) message.value = typeof done === 'string' ? done : done(value)
      return { ok: true as const, value }
    } catch (e) {
      error.value = describe(e, what)
      if (e instanceof ApiError) fieldErrors.value = e.fieldErrors
      return { ok: false as const }
    } finally {
      busy.value = false
    }
  }

  /** Runs `fn`; resolves its result, or null when it failed (then `error` says why). */
  async function run<T>(what: string, fn: () => Promise<T>, done?: Done<T>): Promise<T | null> {
    const outcome = await call(what, fn, done)
    return outcome.ok ? outcome.value : null
  }

  /** Runs `fn` for its effect; resolves whether it worked. */
  async function attempt(
    what: string,
    fn: () => Promise<unknown>,
    done?: string,
  ): Promise<boolean> {
    return (await call(what, fn, done)).ok
  }

  return { busy, error, message, fieldErrors, run, attempt }
}

export type Action = ReturnType<typeof useAction>
