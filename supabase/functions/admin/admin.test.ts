// Integration: the admin console (ADM-1/2, ORG-1 decisions, ORG-2) and the waitlist (WL-1).
import assert from 'node:assert/strict'
import { closePools } from '../_shared/db.ts'
import { api, createOrg, integrationTest, serviceSql, signUp, signUps } from '../_shared/testing.ts'
import { env } from '../_shared/env.ts'
import * as storage from '../_shared/storage.ts'

integrationTest(
  'ADM: only admins; dashboard, orgs, users, requests, moderation, jobs, devices',
  async () => {
    const [admin, user] = await signUps('admin', 'plainuser')
    await serviceSql(
      (sql) => sql`update public.profiles set platform_role = 'admin' where id = ${admin.id}`,
    )
    const userProfile = (await api('me', { token: user.token })).body.profile

    for (const path of [
      'admin/dashboard',
      'admin/orgs',
      'admin/users',
      'admin/jobs',
      'admin/devices',
      'admin/narrations',
    ]) {
      const res = await api(path, { token: user.token })
      assert.equal(res.status, 403, path)
    }
    const me = await api('me', { token: admin.token })
    assert.equal(me.body.landing, 'admin')

    const dashboard = await api('admin/dashboard', { token: admin.token })
    assert.equal(dashboard.status, 200, JSON.stringify(dashboard.body))
    assert.equal(dashboard.body.daily.length, 30)
    assert.ok('failed_jobs_72h' in dashboard.body.counts)

    // ORG-2: create directly for an owner, with slug and limit.
    const slug = `adm-${crypto.randomUUID().slice(0, 8)}`
    const created = await api('admin/orgs', {
      token: admin.token,
      body: {
        name: 'Union XV',
        slug,
        ownerUsername: userProfile.username,
        storageLimitBytes: 2048,
      },
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const orgId = created.body.org.id
    assert.equal((await api(`orgs/${orgId}`, { token: user.token })).body.role, 'owner')
    assert.equal(
      (
        await api('admin/orgs', {
          token: admin.token,
          body: { name: 'Dup', slug, ownerUsername: userProfile.username },
        })
      ).status,
      409,
    )
    const edited = await api(`admin/orgs/${orgId}`, {
      token: admin.token,
      method: 'PATCH',
      body: { storageLimitBytes: 4096 },
    })
    assert.equal(edited.body.org.storage_limit_bytes, 4096)
    const found = await api(`admin/orgs?q=${slug}`, { token: admin.token })
    assert.equal(found.body.items.length, 1)

    // ORG-1: a request approved once; a second decision is refused.
    const request = await api('orgs/requests', {
      token: user.token,
      body: { name: 'Sevens Squad', type: 'team' },
    })
    const pending = await api('admin/org-requests', { token: admin.token })
    assert.ok(pending.body.items.some((r: { id: string }) => r.id === request.body.request.id))
    const approved = await api(`admin/org-requests/${request.body.request.id}/approve`, {
      token: admin.token,
      body: {},
    })
    assert.equal(approved.status, 200, JSON.stringify(approved.body))
    const twice = await api(`admin/org-requests/${request.body.request.id}/reject`, {
      token: admin.token,
      body: { notes: 'no' },
    })
    assert.equal(twice.status, 409)
    assert.equal(twice.body.error.code, 'REQUEST_ALREADY_DECIDED')
    const other = await api('orgs/requests', {
      token: user.token,
      body: { name: 'Another', type: 'academy' },
    })
    const rejected = await api(`admin/org-requests/${other.body.request.id}/reject`, {
      token: admin.token,
      body: { notes: 'Duplicate' },
    })
    assert.equal(rejected.body.request.status, 'rejected')

    // Users: role change, never one's own.
    const promoted = await api(`admin/users/${user.id}`, {
      token: admin.token,
      method: 'PATCH',
      body: { platformRole: 'moderator' },
    })
    assert.equal(promoted.body.user.platform_role, 'moderator')
    assert.equal(
      (
        await api(`admin/users/${admin.id}`, {
          token: admin.token,
          method: 'PATCH',
          body: { platformRole: 'user' },
        })
      ).status,
      403,
    )
    // A moderator may moderate narrations but not run the console.
    assert.equal((await api('admin/narrations', { token: user.token })).status, 200)
    assert.equal((await api('admin/dashboard', { token: user.token })).status, 403)

    assert.equal((await api('admin/jobs?status=failed', { token: admin.token })).status, 200)
    assert.equal((await api('admin/devices', { token: admin.token })).status, 200)
    assert.equal((await api('admin/media?status=failed', { token: admin.token })).status, 200)

    // Deleting an org needs its slug retyped.
    const victim = await createOrg(user, 'Short Lived')
    const wrong = await api(`admin/orgs/${victim.id}`, {
      token: admin.token,
      method: 'DELETE',
      body: { confirmSlug: 'nope' },
    })
    assert.equal(wrong.status, 400)
    const gone = await api(`admin/orgs/${victim.id}`, {
      token: admin.token,
      method: 'DELETE',
      body: { confirmSlug: victim.slug },
    })
    assert.equal(gone.status, 204)
    assert.equal((await api(`orgs/${victim.id}`, { token: user.token })).status, 404)
  },
)

integrationTest(
  'WL-1: public waitlist with validation, duplicate message, honeypot and confirmation mail',
  async () => {
    const email = `wl-${crypto.randomUUID().slice(0, 8)}@example.com`
    const joined = await api('waitlist', { body: { email, name: 'Sam', organization: 'Bath RFC' } })
    assert.equal(joined.status, 201, JSON.stringify(joined.body))
    assert.equal(joined.body.mailed, true)
    const again = await api('waitlist', { body: { email: email.toUpperCase() } })
    assert.equal(again.status, 409)
    assert.equal(again.body.error.code, 'ALREADY_ON_WAITLIST')
    assert.equal((await api('waitlist', { body: { email: 'not-an-email' } })).status, 400)
    assert.equal(
      (await api('waitlist', { body: { email: `x${email}`, message: 'x'.repeat(3000) } })).status,
      400,
    )
    const bot = await api('waitlist', { body: { email: `bot-${email}`, website: 'http://spam' } })
    assert.equal(bot.status, 201)
    const stored = await serviceSql(
      (sql) => sql`select email from public.waitlist where email like ${`%${email}`}`,
    )
    assert.deepEqual(
      stored.map((r) => r.email),
      [email],
    )
    const mailbox = await fetch(
      `${Deno.env.get('SUPABASE_URL')}/mailbox/api/messages?to=${encodeURIComponent(email)}`,
    )
    const messages = (await mailbox.json()).messages
    assert.equal(messages.length, 1)
    assert.match(messages[0].subject, /waitlist/)
  },
)

integrationTest(
  'MEDIA-3 PROD-2: the storage-cleanup schedule calls with the secret key; a user needs the admin role',
  async () => {
    const user = await signUp('cleanupuser')
    assert.equal((await api('admin/storage-cleanup', { body: {} })).status, 401)
    assert.equal((await api('admin/storage-cleanup', { token: 'forged', body: {} })).status, 401)
    assert.equal((await api('admin/storage-cleanup', { token: user.token, body: {} })).status, 403)

    // A prefix whose deletion failed when its asset was deleted: the next run removes it.
    const prefix = `orgs/${crypto.randomUUID()}/media/${crypto.randomUUID()}/`
    await storage.putObject(`${prefix}poster.jpg`, new Uint8Array([1, 2, 3]), 'image/jpeg')
    const [entry] = await serviceSql(
      (sql) =>
        sql`insert into public.storage_cleanup_queue (prefix) values (${prefix}) returning id`,
    )
    const run = await api('admin/storage-cleanup', {
      token: env('SUPABASE_SERVICE_ROLE_KEY'),
      body: {},
    })
    assert.equal(run.status, 200, JSON.stringify(run.body))
    assert.ok(run.body.processed >= 1)
    assert.equal(await storage.headObject(`${prefix}poster.jpg`), undefined)
    const [row] = await serviceSql(
      (sql) => sql`select processed_at from public.storage_cleanup_queue where id = ${entry!.id}`,
    )
    assert.ok(row?.processed_at)
  },
)

integrationTest('admin tests: close pools', closePools)
