import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadSecrets, parseDotenv, portsFromSettings, resolveEnv, userSettings } from './config'

describe('.env reader', () => {
  it('parses quotes, export, comments and blank lines without interpolation', () => {
    const parsed = parseDotenv(
      [
        '# comment',
        '',
        'A=1',
        'export B = two words # trailing comment',
        'C="quoted # not a comment"',
        "D='$NOT_EXPANDED'",
        'E="line\\nbreak"',
        'not a pair',
      ].join('\n'),
    )
    expect(parsed).toEqual({
      A: '1',
      B: 'two words',
      C: 'quoted # not a comment',
      D: '$NOT_EXPANDED',
      E: 'line\nbreak',
    })
  })

  it('lets .env override defaults and the process environment override .env', () => {
    const settings = userSettings(
      { GATEWAY_PORT: '6001', S3_BUCKET: 'from-process' },
      {
        S3_BUCKET: 'from-dotenv',
        PLAYBACK_TOKEN_SECRET: 'dotenv-secret',
      },
    )
    const ports = portsFromSettings(settings)
    expect(ports.gateway).toBe(6001)
    expect(ports.db).toBe(54322)
    const env = resolveEnv(ports, settings)
    expect(env.SUPABASE_URL).toBe('http://127.0.0.1:6001')
    expect(env.SUPABASE_JWT_ISSUER).toBe('http://127.0.0.1:6001/auth/v1')
    expect(env.S3_BUCKET).toBe('from-process')
    expect(env.PLAYBACK_TOKEN_SECRET).toBe('dotenv-secret')
    expect(env.REDIS_URL).toBeUndefined()
  })

  it('refuses a port that is not a number', () => {
    expect(() => portsFromSettings({ DB_PORT: 'abc' })).toThrow(/DB_PORT/)
  })

  it('generates the local secrets once per data dir and keeps them private', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-secrets-'))
    try {
      const first = loadSecrets(dir)
      expect(first.serviceRoleKey).toMatch(/^sb_secret_[\w-]{32}$/)
      expect(loadSecrets(dir)).toEqual(first)
      expect(statSync(join(dir, 'secrets.json')).mode & 0o077).toBe(0)
      expect(loadSecrets(undefined).serviceRoleKey).not.toBe(first.serviceRoleKey)
      const env = resolveEnv(portsFromSettings({}), { SUPABASE_SERVICE_ROLE_KEY: '' }, first)
      expect(env.SUPABASE_SERVICE_ROLE_KEY).toBe(first.serviceRoleKey)
      expect(env.PLAYBACK_TOKEN_SECRET).toBe(first.playbackTokenSecret)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
