import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// SCALE-8: daily backups kept 7 days, certificate renewal schedules.
const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
let tmp: string

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-backup-'))
  await fs.mkdir(path.join(tmp, 'www/releases/r1/assets'), { recursive: true })
  await fs.writeFile(path.join(tmp, 'www/releases/r1/index.html'), '<!doctype html>r1')
  await fs.symlink('releases/r1', path.join(tmp, 'www/current'))
})
afterAll(() => fs.rm(tmp, { recursive: true, force: true }))

describe('backup.sh', () => {
  it('archives the release tree and keeps only the newest seven', async () => {
    const env = {
      PATH: process.env.PATH,
      BACKUP_DIR: path.join(tmp, 'backup'),
      WEB_ROOT: path.join(tmp, 'www'),
      BACKUP_EXTRA_PATHS: path.join(tmp, 'no-such-config'),
    }
    for (let day = 1; day <= 9; day++) {
      await run(path.join(here, 'backup.sh'), [], {
        env: { ...env, BACKUP_STAMP: `202601${String(day).padStart(2, '0')}T020000Z` },
      })
    }
    const kept = (await fs.readdir(env.BACKUP_DIR)).sort()
    expect(kept).toEqual([3, 4, 5, 6, 7, 8, 9].map((d) => `rugbycodex-2026010${d}T020000Z.tar.gz`))
    const listing = await run('tar', ['-tzf', path.join(env.BACKUP_DIR, kept[6]!)])
    expect(listing.stdout).toContain(`${env.WEB_ROOT}/releases/r1/index.html`)
    expect(listing.stdout).toContain(`${env.WEB_ROOT}/current`)
  })

  it('fails loudly when the web root is missing', async () => {
    const err = await run(path.join(here, 'backup.sh'), [], {
      env: {
        PATH: process.env.PATH,
        BACKUP_DIR: path.join(tmp, 'b2'),
        WEB_ROOT: path.join(tmp, 'nope'),
      },
    }).catch((e: { code: number; stderr: string }) => e)
    expect(err).toMatchObject({ code: 2 })
    expect((err as { stderr: string }).stderr).toContain('does not exist')
  })
})

describe('schedules', () => {
  it('systemd accepts the timer calendars', async () => {
    for (const unit of ['rugbycodex-backup.timer', 'rugbycodex-certbot-renew.timer']) {
      const text = await fs.readFile(path.join(here, unit), 'utf8')
      const calendar = /^OnCalendar=(.+)$/m.exec(text)?.[1]
      expect(calendar, unit).toBeDefined()
      const { stdout } = await run('systemd-analyze', ['calendar', calendar!])
      expect(stdout).toContain('Next elapse')
    }
  })

  it('the cron file runs the backup daily and renewal twice a day', async () => {
    const lines = (await fs.readFile(path.join(here, 'rugbycodex.cron'), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
    const fields = lines.map((l) => l.trim().split(/\s+/))
    expect(fields.map((f) => f.slice(0, 6))).toEqual([
      ['0', '2', '*', '*', '*', 'root'],
      ['17', '0,12', '*', '*', '*', 'root'],
    ])
    expect(lines[0]).toContain('deploy/schedules/backup.sh')
    expect(lines[1]).toContain('certbot renew')
  })
})
