import { computed, nextTick, ref, type Ref } from 'vue'
import { ApiError } from '../services/api'
import type { ElementEl } from '../lib/dom'
import {
  orgServerProblems,
  unchangedProblems,
  type OrgDraft,
  type OrgProblems,
} from '../lib/admin/admin'

/** What `send` resolves when the server refused fields of the draft (shown next to them). */
export const REFUSED = Symbol('refused')

/**
 * ADM-2 / ORG-2: the messages of an org form (create or edit). The client's own rules speak once a
 * submit was tried and then follow the typing; the server's refusals last until their field changes.
 */
export function useOrgForm<D extends OrgDraft>(draft: Ref<D>, check: (draft: D) => OrgProblems) {
  const tried = ref(false)
  // The server's refusal, kept with the draft it refused so each message lasts until its field changes.
  const refused = ref<{ sent: D; problems: OrgProblems } | null>(null) as Ref<{
    sent: D
    problems: OrgProblems
  } | null>
  const problems = computed<OrgProblems>(() => ({
    ...(refused.value
      ? unchangedProblems(refused.value.problems, refused.value.sent, draft.value)
      : {}),
    ...(tried.value ? check(draft.value) : {}),
  }))
  const formEl = ref<ElementEl | null>(null)

  /** Brings the first field with a message into view and into focus, so it is read out and fixed. */
  async function focusFirstProblem() {
    await nextTick()
    formEl.value?.querySelector<ElementEl>('[aria-invalid="true"]')?.focus()
  }

  function reset() {
    tried.value = false
    refused.value = null
  }

  /**
   * Sends the draft with `fn`. A refusal about its fields resolves REFUSED and puts each message on
   * its field; any other failure is thrown on, for the form to show above its buttons.
   */
  async function send<T>(fn: () => Promise<T>, slugSent: boolean): Promise<T | typeof REFUSED> {
    refused.value = null
    const sent = { ...draft.value }
    try {
      return await fn()
    } catch (e) {
      const onFields = e instanceof ApiError ? orgServerProblems(e, slugSent) : {}
      if (Object.keys(onFields).length === 0) throw e
      refused.value = { sent, problems: onFields }
      return REFUSED
    }
  }

  return { tried, problems, formEl, focusFirstProblem, reset, send }
}
