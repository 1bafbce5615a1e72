// The local stand-in for the schedules production runs with pg_cron / the Supabase scheduler:
// the same HTTP calls, with the service-role key, on a timer.
import type { Log } from './log'

export interface CronTask {
  name: string
  everyMs: number
  path: string
  body?: unknown
}

/** NARR-2: queued or orphaned transcription jobs are picked up even if the request that started them died. */
export const localSchedules: CronTask[] = [
  {
    name: 'narration-jobs-sweep',
    everyMs: 60_000,
    path: '/functions/v1/narrations/jobs/sweep',
    body: { limit: 20 },
  },
]

export function startCron(
  apiUrl: string,
  serviceRoleKey: string,
  log: Log,
  tasks: CronTask[] = localSchedules,
): () => void {
  const timers = tasks.map((task) =>
    setInterval(() => {
      fetch(`${apiUrl}${task.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serviceRoleKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(task.body ?? {}),
        signal: AbortSignal.timeout(task.everyMs),
      })
        .then(async (response) => {
          if (!response.ok)
            log(`${task.name}: ${response.status} ${(await response.text()).slice(0, 200)}`)
        })
        .catch((error: unknown) => log(`${task.name}: ${(error as Error).message}`))
    }, task.everyMs),
  )
  return () => timers.forEach((timer) => clearInterval(timer))
}
