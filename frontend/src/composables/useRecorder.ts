import { onBeforeUnmount, ref } from 'vue'

// NARR-1: MediaRecorder with mp4/AAC where the browser has it (Safari), else webm/Opus; a live
// transcript preview from the Web Speech API where the browser offers one.
const TYPES = ['audio/mp4', 'audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus']

interface SpeechRecognitionLike {
  continuous: boolean
  interimResults: boolean
  lang: string
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null
  start(): void
  stop(): void
}

export interface Recording {
  blob: Blob
  contentType: string
  durationSeconds: number
  preview: string
}

export function useRecorder() {
  const recording = ref(false)
  const preview = ref('')
  const error = ref<string | null>(null)
  const supported =
    typeof window !== 'undefined' && 'MediaRecorder' in window && !!navigator.mediaDevices
  let recorder: MediaRecorder | null = null
  let recognition: SpeechRecognitionLike | null = null
  let chunks: Blob[] = []
  let startedAt = 0
  let stream: MediaStream | null = null

  async function start(): Promise<boolean> {
    error.value = null
    preview.value = ''
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true })
    } catch {
      error.value =
        'The microphone is blocked. Allow microphone access in the browser, or type the narration instead.'
      return false
    }
    const type = TYPES.find((t) => MediaRecorder.isTypeSupported(t)) ?? ''
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined)
    chunks = []
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data)
    recorder.start(250)
    startedAt = performance.now()
    recording.value = true
    const Ctor = window as unknown as {
      SpeechRecognition?: new () => SpeechRecognitionLike
      webkitSpeechRecognition?: new () => SpeechRecognitionLike
    }
    const Recognition = Ctor.SpeechRecognition ?? Ctor.webkitSpeechRecognition
    if (Recognition) {
      recognition = new Recognition()
      recognition.continuous = true
      recognition.interimResults = true
      recognition.lang = navigator.language || 'en'
      recognition.onresult = (e) => {
        preview.value = Array.from(e.results, (r) => r[0]?.transcript ?? '')
          .join(' ')
          .trim()
      }
      try {
        recognition.start()
      } catch {
        recognition = null
      }
    }
    return true
  }

  function stop(): Promise<Recording | null> {
    return new Promise((resolve) => {
      if (!recorder) return resolve(null)
      const r = recorder
      r.onstop = () => {
        const contentType = (r.mimeType || 'audio/webm').split(';')[0] as string
        const durationSeconds = (performance.now() - startedAt) / 1000
        resolve({
          blob: new Blob(chunks, { type: contentType }),
          contentType,
          durationSeconds,
          preview: preview.value,
        })
      }
      r.stop()
      recognition?.stop()
      stream?.getTracks().forEach((t) => t.stop())
      recorder = null
      recording.value = false
    })
  }

  onBeforeUnmount(() => {
    if (recorder) void stop()
  })

  return { supported, recording, preview, error, start, stop }
}
