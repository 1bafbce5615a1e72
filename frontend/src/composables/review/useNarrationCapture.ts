import { computed, ref } from 'vue'
import type { ReviewWorkspace } from './useReviewWorkspace'
import { useRecorder } from '../useRecorder'
import { narrationsApi, uploadAudio } from '../../services/narrations'
import { segmentsApi } from '../../services/segments'
import { sizeFromRecording } from '../../lib/segments/seg2'
import { formatDuration } from '../../lib/format'

/**
 * NARR-1 + SEG-2: a narration, spoken or typed, is timed by the playhead when it started and ended;
 * the server sizes the clip around that stretch (or adds it to the selected clip).
 */
export function useNarrationCapture(review: ReviewWorkspace) {
  const { props, run } = review
  const recorder = useRecorder()
  const text = ref('')
  const addToSelected = ref(false)
  const recStart = ref<number | null>(null)
  const plannedWindow = computed(() => {
    if (recStart.value === null) return null
    return sizeFromRecording(
      recStart.value,
      props.currentTime,
      props.duration || props.currentTime + 60,
    )
  })

  function onTyping() {
    if (recStart.value === null && text.value) recStart.value = props.currentTime
  }

  async function attach(start: number, end: number) {
    const selected = review.selected.value
    const res = await segmentsApi.fromRecording({
      mediaAssetId: props.mediaAssetId,
      recordingStartSeconds: start,
      recordingEndSeconds: end,
      segmentId: addToSelected.value && selected ? selected.id : undefined,
    })
    const where = `${formatDuration(res.segment.startSeconds)}–${formatDuration(res.segment.endSeconds)}`
    let said = res.attached
      ? `Narration added to the clip ${where}.`
      : `New clip ${where} created for this narration.`
    if (res.warning) said += ' It nearly repeats another clip of yours; check the clip list.'
    review.message.value = said
    return res.segment
  }

  /** The clips and narrations both changed; the insight of that clip may be rewritten. */
  async function narrated(segmentId: string | undefined) {
    await Promise.all([review.loadSegments(), review.loadNarrations()])
    review.narrationChanged(segmentId, 'narration-added')
  }

  async function saveText() {
    const body = text.value.trim()
    if (!body) return
    const start = recStart.value ?? props.currentTime
    const end = Math.max(start, props.currentTime)
    const segment = await run('The narration was not saved; your text is still here.', async () => {
      const segment = await attach(start, end)
      await narrationsApi.create({
        mediaAssetId: props.mediaAssetId,
        segmentId: segment.id,
        text: body,
        startSeconds: start,
        endSeconds: end,
      })
      return segment
    })
    if (segment) {
      text.value = ''
      recStart.value = null
      await narrated(segment.id)
    }
  }

  async function toggleRecording() {
    if (!recorder.recording.value) {
      recStart.value = props.currentTime
      if (!(await recorder.start())) recStart.value = null
      return
    }
    const end = props.currentTime
    const rec = await recorder.stop()
    const start = recStart.value ?? end
    recStart.value = null
    if (!rec) return
    if (rec.durationSeconds < 0.5) {
      review.error.value =
        'That recording was too short. Hold the button a little longer (at least half a second).'
      return
    }
    const segment = await run(
      'The recording was not saved. Check your connection and record again.',
      async () => {
        const segment = await attach(start, Math.max(start, end))
        const created = await narrationsApi.create({
          mediaAssetId: props.mediaAssetId,
          segmentId: segment.id,
          startSeconds: start,
          endSeconds: Math.max(start, end),
          audio: { contentType: rec.contentType, durationSeconds: rec.durationSeconds },
        })
        if (created.audioUpload) {
          await uploadAudio(created.audioUpload.url, rec.blob, created.audioUpload.contentType)
          await narrationsApi
            .transcribe(created.narration.id, rec.preview || undefined)
            .catch(() => undefined)
        }
        return segment
      },
    )
    await narrated(segment?.id)
  }

  return { recorder, text, addToSelected, plannedWindow, onTyping, saveText, toggleRecording }
}
