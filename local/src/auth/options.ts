import type { Sql } from 'postgres'
import type { Log } from '../log'
import type { Mail } from '../mailbox'
import type { SigningKeys } from './keys'

export interface AuthEmulatorOptions {
  sql: Sql
  keys: SigningKeys
  /** Public URL of the gateway (SUPABASE_URL); links in mails point here. */
  publicUrl: string
  /** Where links land when the request names no redirect (the SPA). */
  siteUrl: string
  /** Sign-up returns a session at once (the confirmation mail is sent anyway). */
  autoconfirm: boolean
  sendMail(mail: Mail): Promise<void>
  log: Log
}
