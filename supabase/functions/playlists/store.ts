// Playlist reads and writes as the caller (RLS: members read; staff write).
import type { Tx } from '../_shared/db.ts'
import { orgLookup } from '../_shared/sql.ts'

const PLAYLIST_SELECT = `select pl.id, pl.org_id, pl.name, pl.description, pl.created_by, pl.created_at, pl.updated_at,
  coalesce((select array_agg(t.tag order by t.tag) from public.playlist_tags t where t.playlist_id = pl.id), '{}') as tags,
  (select count(*)::int from public.playlist_segments s where s.playlist_id = pl.id) as segment_count
  from public.playlists pl`

export const playlistOrg = orgLookup('playlists', 'Playlist not found.')

/** The org's playlists, newest change first; with `tag`, only those carrying it. */
export function orgPlaylists(tx: Tx, orgId: string, tag?: string) {
  return tx.unsafe(
    `${PLAYLIST_SELECT} where pl.org_id = $1 and ($2::text is null or exists
       (select 1 from public.playlist_tags t where t.playlist_id = pl.id and t.tag = $2))
     order by pl.updated_at desc`,
    [orgId, tag ?? null],
  )
}

export async function playlistById(tx: Tx, id: string) {
  return (await tx.unsafe(`${PLAYLIST_SELECT} where pl.id = $1`, [id]))[0]
}

async function setTags(tx: Tx, id: string, orgId: string, tags: string[]) {
  await tx`delete from public.playlist_tags where playlist_id = ${id}`
  for (const tag of new Set(tags)) {
    await tx`insert into public.playlist_tags (playlist_id, org_id, tag) values (${id}, ${orgId}, ${tag})`
  }
}

export async function insertPlaylist(
  tx: Tx,
  p: { orgId: string; name: string; description?: string; tags?: string[]; createdBy: string },
) {
  const [created] = await tx<{ id: string }[]>`
    insert into public.playlists (org_id, name, description, created_by)
    values (${p.orgId}, ${p.name}, ${p.description ?? null}, ${p.createdBy}) returning id`
  await setTags(tx, created!.id, p.orgId, p.tags ?? [])
  return await playlistById(tx, created!.id)
}

export async function updatePlaylist(
  tx: Tx,
  id: string,
  orgId: string,
  patch: { name?: string; description?: string | null; tags?: string[] },
) {
  await tx`update public.playlists set name = coalesce(${patch.name ?? null}, name),
             description = case when ${patch.description !== undefined} then ${patch.description ?? null} else description end
           where id = ${id}`
  if (patch.tags) await setTags(tx, id, orgId, patch.tags)
  return await playlistById(tx, id)
}

export async function deletePlaylist(tx: Tx, id: string) {
  await tx`delete from public.playlists where id = ${id}`
}

/** The playlist feed: segments in order with what the viewer needs to play them. */
export function playlistSegments(tx: Tx, id: string) {
  return tx`
    select s.id, s.media_asset_id, s.start_seconds::float8 as start_seconds,
           s.end_seconds::float8 as end_seconds, s.title, ps.position, a.name as media_name
    from public.playlist_segments ps
    join public.segments s on s.id = ps.segment_id
    join public.media_assets a on a.id = s.media_asset_id
    where ps.playlist_id = ${id} order by ps.position, s.start_seconds`
}

export async function segmentInOrg(tx: Tx, segmentId: string, orgId: string) {
  const [seg] =
    await tx`select 1 from public.segments where id = ${segmentId} and org_id = ${orgId}`
  return Boolean(seg)
}

/** Appends the segment (a no-op when it is already there) and touches the playlist. */
export async function appendSegment(tx: Tx, id: string, orgId: string, segmentId: string) {
  await tx`insert into public.playlist_segments (playlist_id, segment_id, org_id, position)
           values (${id}, ${segmentId}, ${orgId},
                   (select coalesce(max(position), -1) + 1 from public.playlist_segments where playlist_id = ${id}))
           on conflict do nothing`
  await tx`update public.playlists set updated_at = now() where id = ${id}`
}

export async function removeSegment(tx: Tx, id: string, segmentId: string) {
  await tx`delete from public.playlist_segments where playlist_id = ${id} and segment_id = ${segmentId}`
}

export async function playlistSegmentIds(tx: Tx, id: string) {
  const rows = await tx<{ segment_id: string }[]>`
    select segment_id from public.playlist_segments where playlist_id = ${id}`
  return rows.map((r) => r.segment_id)
}

export async function setSegmentOrder(tx: Tx, id: string, segmentIds: string[]) {
  for (const [position, segmentId] of segmentIds.entries()) {
    await tx`update public.playlist_segments set position = ${position}
             where playlist_id = ${id} and segment_id = ${segmentId}`
  }
}
