import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue'
import { feedApi } from '../services/feed'
import { watchQueueFor } from '../services/offline'
import { isOnline, onConnectivity } from '../lib/dom'
import type { WatchReport } from '../lib/offline/watchQueue'

/**
 * B-6 / FEED-2: watches kept on this phone are sent as soon as it is online again and whenever a
 * user signs in, whichever page is open; the feed page sends them too and tells the player. Two
 * flushes of one queue share one run, so the two never send a report twice.
 */
export function useWatchQueueSender(userId: Ref<string | null>) {
  function send() {
    const queue = userId.value && isOnline() ? watchQueueFor(userId.value) : null
    if (!queue || queue.size === 0) return
    void queue
      .flush((report: WatchReport) => feedApi.watch(report), isOnline)
      // Storage that stopped answering: the entries stay for the next attempt.
      .catch(() => {})
  }
  let stop: (() => void) | null = null
  onMounted(() => {
    stop = onConnectivity((online) => {
      if (online) send()
    })
    send()
  })
  watch(userId, send)
  onBeforeUnmount(() => stop?.())
}
