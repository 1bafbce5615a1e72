import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import type { Sql } from 'postgres'
import type { Log } from '../log'
import { ASSET_LAYOUT } from '../../../contracts/keys.ts'
import { SeedError, type SeedTarget } from './api'
import { loopMediaPlaylist, loopStoryboard } from './loop'

const rungPlaylist = /^hls\/[^/]+\/index\.m3u8$/
const masterPlaylist = 'hls/master.m3u8'
const storyboardVtt = 'storyboard/storyboard.vtt'

interface SeededAsset {
  id: string
  storage_prefix: string
  master_playlist_key: string
  duration_seconds: number | null
}

function storageClient(env: Record<string, string>): S3Client {
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    credentials: {
      accessKeyId: env.S3_ACCESS_KEY_ID as string,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY as string,
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  if (!object.Body) throw new SeedError(`${key} is empty`)
  return await object.Body.transformToString('utf8')
}

/** Every key under `prefix`, relative to it, except the original upload (not part of playback). */
async function renditionKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    )
    for (const item of page.Contents ?? []) {
      // Copying the original would only cost disk.
      if (item.Key && !item.Key.slice(prefix.length).startsWith(ASSET_LAYOUT.original))
        keys.push(item.Key.slice(prefix.length))
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return keys
}

/**
 * supabase/seed.sql describes already-transcoded matches whose HLS files exist nowhere; they get
 * the real renditions of the demo match, copied under their own keys, so they play too. The demo
 * is far shorter than those matches (and transcoding 80 minutes would take longer than the rest
 * of the start), so their playlists and storyboard loop the demo to their recorded length.
 */
export async function fillSeededRenditions(
  target: SeedTarget,
  sql: Sql,
  orgId: string,
  sourceAssetId: string,
  log: Log,
) {
  const bucket = target.env.S3_BUCKET as string
  const s3 = storageClient(target.env)
  try {
    const rows = await sql<SeededAsset[]>`
      select id, storage_prefix, master_playlist_key, duration_seconds::float8 as duration_seconds
        from public.media_assets
       where org_id = ${orgId} and id <> ${sourceAssetId} and status = 'complete'
         and master_playlist_key is not null`
    const source = await sql<{ storage_prefix: string }[]>`
      select storage_prefix from public.media_assets where id = ${sourceAssetId}`
    const sourcePrefix = source[0]?.storage_prefix
    if (!sourcePrefix || rows.length === 0) return
    const keys = await renditionKeys(s3, bucket, sourcePrefix)
    if (!keys.includes(masterPlaylist)) throw new SeedError('the demo match has no master playlist')
    const rungs = new Map<string, string>()
    for (const path of keys.filter((key) => rungPlaylist.test(key)))
      rungs.set(path, await readText(s3, bucket, sourcePrefix + path))
    if (rungs.size === 0) throw new SeedError('the demo match has no rung playlists')
    const storyboard = keys.includes(storyboardVtt)
      ? await readText(s3, bucket, sourcePrefix + storyboardVtt)
      : undefined
    const copied = keys.filter(
      (key) => key !== masterPlaylist && key !== storyboardVtt && !rungPlaylist.test(key),
    )
    const copy = (row: SeededAsset, path: string) =>
      s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: row.storage_prefix + path,
          CopySource: `${bucket}/${(sourcePrefix + path).split('/').map(encodeURIComponent).join('/')}`,
        }),
      )
    const put = (key: string, body: string, contentType: string) =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      )
    let filled = 0
    for (const row of rows) {
      const present = await s3
        .send(new HeadObjectCommand({ Bucket: bucket, Key: row.master_playlist_key }))
        .then(() => true)
        .catch(() => false)
      if (present) continue
      for (const path of copied) await copy(row, path)
      let loopSeconds = 0
      for (const [path, text] of rungs) {
        const looped = loopMediaPlaylist(text, row.duration_seconds ?? 0)
        loopSeconds ||= looped.loopSeconds
        await put(row.storage_prefix + path, looped.text, 'application/vnd.apple.mpegurl')
      }
      if (storyboard) {
        const length = row.duration_seconds ?? loopSeconds
        await put(
          row.storage_prefix + storyboardVtt,
          loopStoryboard(storyboard, loopSeconds, length),
          'text/vtt',
        )
      }
      // The master last: its presence is what marks an asset as filled on the next run.
      await copy(row, masterPlaylist)
      filled += 1
    }
    if (filled) log(`gave ${filled} seeded asset(s) the demo match's renditions, looped to length`)
  } finally {
    s3.destroy()
  }
}
