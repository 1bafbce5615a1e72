// auth.users as GoTrue stores it, and the user object it answers with.
import type { Sql, TransactionSql } from 'postgres'

export interface UserRow {
  id: string
  aud: string | null
  role: string | null
  email: string
  encrypted_password: string | null
  email_confirmed_at: Date | null
  confirmation_token: string | null
  confirmation_sent_at: Date | null
  recovery_token: string | null
  recovery_sent_at: Date | null
  last_sign_in_at: Date | null
  raw_app_meta_data: Record<string, unknown> | null
  raw_user_meta_data: Record<string, unknown> | null
  banned_until: Date | null
  created_at: Date
  updated_at: Date
}

export type Db = Sql | TransactionSql

function iso(date: Date | null): string | undefined {
  return date ? date.toISOString() : undefined
}

export function userJson(user: UserRow) {
  return {
    id: user.id,
    aud: user.aud ?? 'authenticated',
    role: user.role ?? 'authenticated',
    email: user.email,
    email_confirmed_at: iso(user.email_confirmed_at),
    phone: '',
    confirmation_sent_at: iso(user.confirmation_sent_at),
    confirmed_at: iso(user.email_confirmed_at),
    recovery_sent_at: iso(user.recovery_sent_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [
      {
        identity_id: user.id,
        id: user.id,
        user_id: user.id,
        identity_data: {
          sub: user.id,
          email: user.email,
          email_verified: !!user.email_confirmed_at,
        },
        provider: 'email',
        last_sign_in_at: iso(user.last_sign_in_at),
        created_at: user.created_at.toISOString(),
        updated_at: user.updated_at.toISOString(),
        email: user.email,
      },
    ],
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    is_anonymous: false,
  }
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const rows = await db<UserRow[]>`
    select * from auth.users where lower(email) = ${email} and deleted_at is null limit 1`
  return rows[0]
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  const rows = await db<UserRow[]>`select * from auth.users where id = ${id} and deleted_at is null`
  return rows[0]
}
