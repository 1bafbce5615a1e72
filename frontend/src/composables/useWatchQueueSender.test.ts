import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import { useWatchQueueSender } from './useWatchQueueSender'
import { watchQueueFor } from '../services/offline'
import { apiMock } from '../testing/api'

// B-6 / FEED-2: a watch kept on the phone goes out when it is online again, on any page.
vi.mock('../services/api', (original) =>
  import('../testing/api').then((m) => m.withApiMock(original)),
)

enableAutoUnmount(afterEach)

const report = { assignmentId: 'a1', segmentId: 's1', fraction: 0.8 }
let online = true

function mountSender(userId: string | null) {
  const id = ref(userId)
  const wrapper = mount(
    defineComponent({
      setup() {
        useWatchQueueSender(id)
        return () => h('div')
      },
    }),
  )
  return { wrapper, id }
}

beforeEach(() => {
  window.localStorage.clear()
  apiMock.mockReset()
  apiMock.mockResolvedValue({ completedSegmentIds: ['s1'], completed: true })
  online = true
  vi.spyOn(navigator, 'onLine', 'get').mockImplementation(() => online)
})
afterEach(() => vi.restoreAllMocks())

describe('useWatchQueueSender', () => {
  it('sends what is queued as soon as the app opens online, and empties the queue', async () => {
    watchQueueFor('u1')!.add(report)
    mountSender('u1')
    await flushPromises()
    expect(apiMock).toHaveBeenCalledWith('POST', 'feed/watch', report)
    expect(watchQueueFor('u1')!.size).toBe(0)
  })

  it('waits while offline and sends on the online event', async () => {
    online = false
    watchQueueFor('u1')!.add(report)
    const { wrapper } = mountSender('u1')
    await flushPromises()
    expect(apiMock).not.toHaveBeenCalled()
    online = true
    window.dispatchEvent(new Event('online'))
    await flushPromises()
    expect(apiMock).toHaveBeenCalledTimes(1)
    wrapper.unmount()
    watchQueueFor('u1')!.add({ ...report, segmentId: 's2' })
    window.dispatchEvent(new Event('online'))
    await flushPromises()
    expect(apiMock).toHaveBeenCalledTimes(1)
  })

  it('sends only the signed-in user’s watches, and a later sign-in sends theirs', async () => {
    watchQueueFor('u2')!.add(report)
    const { id } = mountSender(null)
    await flushPromises()
    expect(apiMock).not.toHaveBeenCalled()
    id.value = 'u1'
    await flushPromises()
    expect(apiMock).not.toHaveBeenCalled()
    id.value = 'u2'
    await flushPromises()
    expect(apiMock).toHaveBeenCalledTimes(1)
  })
})
