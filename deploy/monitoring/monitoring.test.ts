import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// SCALE-9: the plan's thresholds are the ones configured, and every alert leads to a runbook.
const here = path.dirname(fileURLToPath(import.meta.url))
const deployDir = path.resolve(here, '..')
const read = (p: string) => fs.readFile(path.join(deployDir, p), 'utf8')

/** The YAML block of one Prometheus rule, from its `- alert:` line to the next one. */
function ruleBlock(yaml: string, alert: string): string {
  const start = yaml.indexOf(`- alert: ${alert}\n`)
  expect(start, alert).toBeGreaterThanOrEqual(0)
  const next = yaml.indexOf('- alert:', start + 1)
  return yaml.slice(start, next === -1 ? undefined : next)
}

describe('alert thresholds of the plan', () => {
  it('Prometheus: CPU > 80 % for 5 min, memory > 90 %, response > 2 s, error rate > 5 %', async () => {
    const yaml = await read('monitoring/prometheus/alerts.yml')
    expect(ruleBlock(yaml, 'HostCpuAbove80Percent')).toMatch(
      /node_cpu_seconds_total\{mode="idle"\}.*\) > 80\n\s+for: 5m\n/,
    )
    expect(ruleBlock(yaml, 'HostMemoryAbove90Percent')).toMatch(
      /MemAvailable_bytes \/ node_memory_MemTotal_bytes\) > 90\n/,
    )
    expect(ruleBlock(yaml, 'ResponseAbove2Seconds')).toMatch(
      /probe_duration_seconds.*\[5m\]\) > 2\n/,
    )
    expect(ruleBlock(yaml, 'ErrorRateAbove5Percent')).toMatch(/status=~"5\.\."[\s\S]*\) > 5\n/)
  })

  it('Axiom: API and web error rate > 5 % and p95 > 2 s', async () => {
    const { monitors } = JSON.parse(await read('monitoring/axiom/monitors.json')) as {
      monitors: Array<{ name: string; aplQuery: string; operator: string; threshold: number }>
    }
    const byName = new Map(monitors.map((m) => [m.name, m]))
    expect(byName.get('API error rate above 5 %')).toMatchObject({
      operator: 'Above',
      threshold: 5,
    })
    expect(byName.get('Web error rate above 5 %')).toMatchObject({
      operator: 'Above',
      threshold: 5,
    })
    // durationMs is milliseconds, nginx's request_time is seconds.
    expect(byName.get('API p95 response above 2 s')).toMatchObject({ threshold: 2000 })
    expect(byName.get('API p95 response above 2 s')?.aplQuery).toContain(
      'percentile(durationMs, 95)',
    )
    expect(byName.get('Web p95 response above 2 s')).toMatchObject({ threshold: 2 })
    expect(byName.get('Web p95 response above 2 s')?.aplQuery).toContain(
      'percentile(request_time, 95)',
    )
  })

  it('the queried log fields exist in the nginx log format', async () => {
    const conf = await fs.readFile(path.resolve(deployDir, '../nginx/nginx.conf'), 'utf8')
    for (const field of ['service', 'status', 'request_time', 'request_id'])
      expect(conf).toContain(`"${field}":`)
  })

  it('uptime checks probe the health endpoints every 5 minutes', async () => {
    const config = JSON.parse(await read('monitoring/uptime/uptimerobot.json')) as {
      monitors: Array<{ url: string; interval: number; keyword_value: string }>
    }
    expect(config.monitors.map((m) => m.url)).toEqual(
      expect.arrayContaining([
        'https://rugbycodex.com/health',
        '${SUPABASE_URL}/functions/v1/health',
      ]),
    )
    for (const m of config.monitors) expect(m.interval).toBe(300)
  })
})

describe('runbooks', () => {
  it('exist for the six risks of the plan', async () => {
    const files = (await fs.readdir(path.join(deployDir, 'runbooks'))).filter((f) =>
      /^\d\d-.+\.md$/.test(f),
    )
    expect(files).toHaveLength(6)
  })

  it('every alert, monitor and alarm points at a runbook that exists', async () => {
    const sources = [
      'monitoring/prometheus/alerts.yml',
      'monitoring/axiom/monitors.json',
      'aws/lib/worker-stack.ts',
      'runbooks/README.md',
    ]
    const referenced = new Set<string>()
    for (const source of sources) {
      for (const match of (await read(source)).matchAll(
        /(?:deploy\/runbooks\/|\]\()(\d\d-[a-z0-9-]+\.md)/g,
      )) {
        referenced.add(match[1]!)
      }
    }
    expect(referenced.size).toBe(6)
    for (const file of referenced)
      await expect(fs.access(path.join(deployDir, 'runbooks', file))).resolves.toBeUndefined()
  })
})
