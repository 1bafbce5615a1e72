import { api, withQuery, type Query } from './api'

/**
 * GETs a list route and returns its `items`. It lives beside api.ts, not in it, so a test that
 * replaces `api` sees these calls too.
 */
export async function getItems<T>(path: string, query?: Query): Promise<T[]> {
  return (await api<{ items: T[] }>('GET', query ? withQuery(path, query) : path)).items
}
