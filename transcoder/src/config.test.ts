import { describe, expect, it } from 'vitest'
import { describeDatabaseUrl, loadConfig } from './config'

// The worker runs in a VPC without IPv6 (ECS on EC2, deploy/aws), where Supabase's direct host
// db.<ref>.supabase.co (IPv6 unless the project buys the IPv4 add-on) cannot be reached. It goes
// through the shared pooler instead, which is IPv4: session mode on port 5432, or transaction mode
// on 6543 (the worker sends each query as one simple-protocol statement with prepare: false, which
// both modes accept).
const ref = 'abcdefghijklmnopqrst'
const pooler = 'aws-0-us-east-1.pooler.supabase.com'

describe('the worker database URL', () => {
  it('names the pooler modes and says nothing more when the URL is right', () => {
    expect(
      describeDatabaseUrl(`postgres://postgres.${ref}:pw@${pooler}:5432/postgres?sslmode=require`),
    ).toEqual({ mode: 'pooler-session', warnings: [] })
    expect(
      describeDatabaseUrl(`postgres://postgres.${ref}:pw@${pooler}:6543/postgres?sslmode=require`),
    ).toEqual({ mode: 'pooler-transaction', warnings: [] })
    expect(describeDatabaseUrl('postgres://postgres@127.0.0.1:54322/postgres')).toEqual({
      mode: 'other',
      warnings: [],
    })
  })

  it('warns that the direct host is IPv6-only from the VPC', () => {
    const { mode, warnings } = describeDatabaseUrl(
      `postgres://postgres:pw@db.${ref}.supabase.co:5432/postgres?sslmode=require`,
    )
    expect(mode).toBe('direct')
    expect(warnings.join(' ')).toMatch(/IPv6.*pooler\.supabase\.com:5432/)
  })

  it('warns when the connection to Supabase is not encrypted', () => {
    const { warnings } = describeDatabaseUrl(
      `postgres://postgres.${ref}:pw@${pooler}:5432/postgres`,
    )
    expect(warnings.join(' ')).toContain('sslmode=require')
  })

  it('refuses a pooler URL whose user does not name the project (the pooler cannot route it)', () => {
    expect(() =>
      loadConfig({ SUPABASE_DB_URL: `postgres://postgres:pw@${pooler}:5432/postgres` }),
    ).toThrow(/postgres\.<project-ref>/)
    expect(
      loadConfig({ SUPABASE_DB_URL: `postgres://postgres.${ref}:pw@${pooler}:6543/postgres` })
        .databaseUrl,
    ).toContain(pooler)
  })

  it('never repeats the password in a warning or error', () => {
    const secret = 'hunter2-secret'
    const text = [
      ...describeDatabaseUrl(`postgres://postgres:${secret}@db.${ref}.supabase.co/postgres`)
        .warnings,
      (() => {
        try {
          loadConfig({ SUPABASE_DB_URL: `postgres://postgres:${secret}@${pooler}:5432/postgres` })
          return ''
        } catch (error) {
          return (error as Error).message
        }
      })(),
    ].join(' ')
    expect(text).not.toContain(secret)
  })
})
