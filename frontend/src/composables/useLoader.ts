import { ref, shallowRef, type Ref } from 'vue'
import { errorMessage } from '../services/api'

/** Loading / error / data for one request; `what` names the thing in the error a coach reads. */
export function useLoader<T>(what: string, fetcher: () => Promise<T>) {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<T | null> {
    loading.value = true
    try {
      data.value = await fetcher()
      error.value = null
      return data.value
    } catch (e) {
      error.value = `Could not load ${what}. ${errorMessage(e)}`
      return null
    } finally {
      loading.value = false
    }
  }

  return { data, loading, error, load }
}
