import { describe, expect, it } from 'vitest'
import { useAction } from './useAction'
import { ApiError } from '../services/api'

/** A call the test settles by hand, to look at the state while it is in flight. */
function pending<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('useAction', () => {
  it('is busy while the call runs and hands back its result', async () => {
    const action = useAction()
    const call = pending<{ id: string }>()
    const result = action.run('The clip was not created.', () => call.promise)
    expect(action.busy.value).toBe(true)
    call.resolve({ id: 's1' })
    expect(await result).toEqual({ id: 's1' })
    expect(action.busy.value).toBe(false)
    expect(action.error.value).toBeNull()
  })

  it('turns a failure into the lead sentence and the server’s message, and never throws', async () => {
    const action = useAction()
    const result = await action.run('The clip was not deleted.', () =>
      Promise.reject(new ApiError(404, 'NOT_FOUND', 'That clip no longer exists.')),
    )
    expect(result).toBeNull()
    expect(action.error.value).toBe('The clip was not deleted. That clip no longer exists.')
    expect(action.busy.value).toBe(false)
  })

  it('shows the server’s message alone when there is no lead sentence', async () => {
    const action = useAction()
    await action.attempt('', () => Promise.reject(new Error('Only a manager can do that.')))
    expect(action.error.value).toBe('Only a manager can do that.')
  })

  it('says whether an effect worked, also when it resolves nothing', async () => {
    const action = useAction()
    expect(await action.attempt('Not saved.', () => Promise.resolve(null))).toBe(true)
    expect(await action.attempt('Not saved.', () => Promise.reject(new Error('offline')))).toBe(
      false,
    )
  })

  it('clears the last error when the next call starts', async () => {
    const action = useAction()
    await action.attempt('Not saved.', () => Promise.reject(new Error('offline')))
    const call = pending<void>()
    const done = action.attempt('Not saved.', () => call.promise)
    expect(action.error.value).toBeNull()
    call.resolve()
    await done
  })

  it('announces a success, and a call with an announcement clears the earlier one first', async () => {
    const action = useAction()
    await action.attempt(
      'The request was not approved.',
      () => Promise.resolve(),
      '“Bath” approved.',
    )
    expect(action.message.value).toBe('“Bath” approved.')
    const call = pending<void>()
    const second = action.attempt('The request was not rejected.', () => call.promise, 'Rejected.')
    expect(action.message.value).toBeNull()
    call.reject(new Error('offline'))
    await second
    expect(action.message.value).toBeNull()
    expect(action.error.value).toBe('The request was not rejected. offline')
  })

  it('leaves the announcement alone for a call that makes none', async () => {
    const action = useAction()
    action.message.value = 'Order saved.'
    await action.attempt('The clip was not removed.', () => Promise.reject(new Error('offline')))
    expect(action.message.value).toBe('Order saved.')
  })

  it('builds the announcement from the result', async () => {
    const action = useAction()
    await action.run(
      'Not deleted.',
      () => Promise.resolve({ deleted: 3 }),
      (r) => `${r.deleted} deleted.`,
    )
    expect(action.message.value).toBe('3 deleted.')
  })

  it('keeps the field errors of a refused body until the next call', async () => {
    const action = useAction()
    const refused = new ApiError(400, 'VALIDATION_FAILED', 'Check the form.', {
      username: ['Use 3 to 24 characters.'],
    })
    await action.attempt('Not saved.', () => Promise.reject(refused))
    expect(action.fieldErrors.value).toEqual({ username: ['Use 3 to 24 characters.'] })
    await action.attempt('Not saved.', () => Promise.resolve())
    expect(action.fieldErrors.value).toEqual({})
  })

  it('words failures its own way when the screen asks it to', async () => {
    const action = useAction({ describe: (e) => `Login failed: ${(e as Error).message}` })
    await action.attempt('ignored', () => Promise.reject(new Error('bad password')))
    expect(action.error.value).toBe('Login failed: bad password')
  })
})
