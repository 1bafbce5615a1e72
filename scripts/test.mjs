#!/usr/bin/env node
// Runs every test tier (or the ones named on the command line) and ends with one line
// `N passed, N failed`, which CI reads. Each tier reports its own counts; a tier that crashes
// without reporting counts as one failure, so a broken harness can never look green.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const results = join(root, 'test-results')
mkdirSync(results, { recursive: true })

// Vitest project name → the config that declares it (a missing config means the project isn't built yet).
const projectConfigs = {
  contracts: 'contracts/vitest.config.ts',
  frontend: 'frontend/vitest.config.ts',
  local: 'local/vitest.config.ts',
  transcoder: 'transcoder/vitest.config.ts',
  worker: 'transcoder/vitest.integration.config.ts',
  ops: 'deploy/vitest.config.ts',
  e2e: 'e2e/vitest.config.ts',
}
const present = (names) => names.filter((name) => existsSync(join(root, projectConfigs[name])))

const vitest = (wantedProjects, extra = []) => {
  const project = present(wantedProjects)
  return {
    needs: project.length ? [] : [projectConfigs[wantedProjects[0]]],
    cmd: 'npx',
    args: [
      'vitest',
      'run',
      ...project.flatMap((name) => ['--project', name]),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(results, `${project.join('-')}.json`)}`,
      ...extra,
    ],
    parse: () => vitestCounts(join(results, `${project.join('-')}.json`)),
    reportFile: join(results, `${project.join('-')}.json`),
  }
}

/** Tiers in the order a failure is cheapest to find. `needs` lists files that must exist. */
const tiers = {
  deploy: {
    title:
      'deploy (the real Supabase CLI uploads each function; each bundles from its upload alone)',
    needs: ['local/src/test-deploy.ts'],
    cmd: 'npx',
    args: ['tsx', 'local/src/test-deploy.ts'],
    parse: (out) => plainCounts(out, 'deploy'),
  },
  unit: {
    title: 'unit (Vitest: contracts, frontend, local, transcoder)',
    ...vitest(['contracts', 'frontend', 'local', 'transcoder']),
  },
  db: {
    title: 'database (pgTAP on PGlite)',
    needs: ['supabase/tests/run.ts'],
    cmd: 'npx',
    args: ['tsx', 'supabase/tests/run.ts'],
    parse: (out) => plainCounts(out, 'db'),
  },
  functions: {
    title: 'functions (deno test against the embedded platform)',
    needs: ['local/src/test-functions.ts'],
    cmd: 'npx',
    args: ['tsx', 'local/src/test-functions.ts'],
    parse: denoCounts,
  },
  worker: {
    title: 'worker (real ffmpeg)',
    ...vitest(['worker']),
  },
  ops: {
    title: 'ops (nginx, releases, db push, CDK)',
    // The CDK app keeps its own lockfile (aws-cdk-lib is large and only ops needs it).
    prepare: () =>
      existsSync(join(root, 'deploy/aws/package-lock.json')) &&
      !existsSync(join(root, 'deploy/aws/node_modules'))
        ? { cmd: 'npm', args: ['ci', '--prefix', 'deploy/aws', '--no-audit', '--no-fund'] }
        : null,
    ...vitest(['ops']),
  },
  e2e: {
    title: 'end-to-end (Playwright + Chromium against the local platform)',
    ...vitest(['e2e']),
  },
}

function vitestCounts(file) {
  if (!existsSync(file)) return null
  const report = JSON.parse(readFileSync(file, 'utf8'))
  // Files that fail to load count as failures even when they declared no tests.
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: report.numPendingTests + report.numTodoTests,
  }
}

function plainCounts(out, label) {
  const match = [...out.matchAll(new RegExp(`^${label}: (\\d+) passed, (\\d+) failed`, 'gm'))].pop()
  return match ? { passed: Number(match[1]), failed: Number(match[2]), skipped: 0 } : null
}

function denoCounts(out) {
  // deno test ends with e.g. `ok | 42 passed (3 steps) | 0 failed (2s)`; steps are not tests.
  // eslint-disable-next-line no-control-regex
  const clean = out.replace(/\x1b\[[0-9;]*m/g, '')
  const match = [...clean.matchAll(/^(?:ok|FAILED) \| (\d+) passed[^|]*\| (\d+) failed/gm)].pop()
  return match ? { passed: Number(match[1]), failed: Number(match[2]), skipped: 0 } : null
}

function run(tier) {
  return new Promise((resolve) => {
    if (tier.reportFile) rmSync(tier.reportFile, { force: true })
    const child = spawn(tier.cmd, tier.args, {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      process.stdout.write(d)
    })
    child.stderr.on('data', (d) => {
      out += d
      process.stderr.write(d)
    })
    child.on('close', (code) => resolve({ code, out }))
  })
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !(name in tiers))
if (unknown.length) {
  console.error(`Unknown tier(s): ${unknown.join(', ')}. Known: ${Object.keys(tiers).join(', ')}`)
  process.exit(2)
}
const selected = wanted.length ? wanted : Object.keys(tiers)
const summary = []
const started = Date.now()
for (const name of selected) {
  const tier = tiers[name]
  const missing = tier.needs.filter((file) => !existsSync(join(root, file)))
  if (missing.length) {
    summary.push({ name, passed: 0, failed: 0, skipped: 0, note: `not present (${missing[0]})` })
    continue
  }
  console.log(`\n━━ ${tier.title} ━━`)
  const tierStart = Date.now()
  const setup = tier.prepare?.()
  if (setup) await run(setup)
  const { code, out } = await run(tier)
  const counts = tier.parse(out)
  const seconds = Math.round((Date.now() - tierStart) / 1000)
  if (!counts) {
    summary.push({
      name,
      passed: 0,
      failed: 1,
      skipped: 0,
      note: `no result (exit ${code})`,
      seconds,
    })
  } else {
    // A runner that exits non-zero with zero failures still failed (e.g. an unhandled error).
    const failed = counts.failed || (code === 0 ? 0 : 1)
    summary.push({ name, ...counts, failed, note: code === 0 ? '' : `exit ${code}`, seconds })
  }
}

console.log('\n━━ summary ━━')
for (const s of summary) {
  const time = s.seconds === undefined ? '' : ` ${s.seconds}s`
  console.log(
    `${s.name.padEnd(10)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed ${String(s.skipped).padStart(3)} skipped${time} ${s.note ?? ''}`,
  )
}
const passed = summary.reduce((n, s) => n + s.passed, 0)
const failed = summary.reduce((n, s) => n + s.failed, 0)
console.log(`total time ${Math.round((Date.now() - started) / 1000)}s`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
