-- AI-1 / AI-2: a segment insight and a match summary quote their narrations, and knowledge search
-- serves both (NARR-5). When a narration is deleted, or its words or its clip or match change,
-- the derived rows that may quote it are dropped at once, so a note a coach removed or corrected
-- is never shown or found again through them. The next read regenerates from what is left; the
-- growth rules (max(1, 40 %) and max(5, 20 %)) still keep plain additions from regenerating.
-- Coach audio goes with its insight row (the key lives on the row; a regenerated insight writes
-- its audio to the same key).
--
-- Why definer: the caller deleting their narration may not write derived rows (members never
-- can); the function does nothing but drop rows derived from the narration that changed.
create function private.forget_narration_insights()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if old.segment_id is not null then
    delete from public.segment_insights where segment_id = old.segment_id;
  end if;
  delete from public.match_intelligence where media_asset_id = old.media_asset_id;
  return null;
end
$$;
revoke all on function private.forget_narration_insights() from public, anon, authenticated;

create trigger narrations_forget_insights_delete after delete on public.narrations
  for each row execute function private.forget_narration_insights();

-- Row-level with a WHEN clause: embedding refreshes and other edits never enter it.
create trigger narrations_forget_insights_update
  after update of raw_transcript, clean_transcript, segment_id, media_asset_id on public.narrations
  for each row
  when (old.raw_transcript is distinct from new.raw_transcript
        or old.clean_transcript is distinct from new.clean_transcript
        or old.segment_id is distinct from new.segment_id
        or old.media_asset_id is distinct from new.media_asset_id)
  execute function private.forget_narration_insights();
