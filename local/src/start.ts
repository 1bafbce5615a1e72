import { defaultDataDir, portsFromSettings, userSettings } from './config'
import { consoleLog } from './log'
import type { Platform } from './platform'
import { startDemoPlatform } from './seed-demo'
import { DEMO_PASSWORD, demoUsers, extraDemoUsers } from './seed/users'

function table(platform: Platform): string {
  const rows: [string, string][] = [
    ['SPA', platform.urls.spa],
    ['API (SUPABASE_URL)', platform.urls.api],
    ['Auth', platform.urls.auth],
    ['Functions', platform.urls.functions],
    ['Mailbox', platform.urls.mailbox],
    ['Postgres (psql)', platform.urls.postgres],
    ['S3 endpoint', `${platform.urls.s3}  (bucket ${platform.env.S3_BUCKET}, keys S3RVER/S3RVER)`],
  ]
  for (const user of demoUsers) rows.push([`Demo ${user.role}`, `${user.email} / ${DEMO_PASSWORD}`])
  rows.push(['Also', extraDemoUsers.map((user) => user.email).join(', ')])
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)
  const rule = '-'.repeat(Math.max(...lines.map((l) => l.length)) + 2)
  return [
    rule,
    `  RugbyCodex is running (${platform.firstStart ? 'first start' : 'data reused'}, ready in ${(platform.readyMs / 1000).toFixed(1)} s)`,
    rule,
    ...lines,
    rule,
    `  Start-up: ${Object.entries(platform.timings)
      .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')}`,
    '  Ctrl-C stops everything; `npm run reset` wipes .data/',
  ].join('\n')
}

async function main() {
  const settings = userSettings()
  // Signals are handled from the first moment: children run in their own process groups, so a
  // Ctrl-C during start-up must still stop them (once start-up has settled).
  let stopRequested: string | undefined
  const running: { platform?: Platform } = {}
  let stopping = false
  const shutdown = async (signal: string) => {
    stopRequested = signal
    if (!running.platform || stopping) return
    stopping = true
    console.log(`\n${signal}: stopping…`)
    await running.platform.stop()
    console.log('stopped; data kept in .data/')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  const platform = await startDemoPlatform({
    dataDir: defaultDataDir,
    ports: portsFromSettings(settings),
    settings,
    withWorker: true,
    withSpa: true,
    withFunctions: true,
    watchFunctions: true,
    seedDemo: settings.SEED_DEMO !== 'false',
    autoconfirm: settings.AUTH_AUTOCONFIRM !== 'false',
    log: consoleLog,
  })
  running.platform = platform
  if (stopRequested) return shutdown(stopRequested)
  console.log(table(platform))
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`)
  process.exit(1)
})
