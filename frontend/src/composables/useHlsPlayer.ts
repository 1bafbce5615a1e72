import { onBeforeUnmount, ref, shallowRef, type Ref } from 'vue'
import type Hls from 'hls.js'

declare global {
  interface Window {
    /** Read by the end-to-end test: how many HLS levels hls.js parsed. */
    __rcPlayer?: { levels: number }
  }
}

export interface QualityLevel {
  index: number
  label: string
}

/**
 * MEDIA-4: attaches an HLS master playlist to a <video>. hls.js is imported here, so only the pages
 * that play video download it (the `vendor-video` chunk). Safari plays HLS natively.
 */
export function useHlsPlayer(
  video: Ref<HTMLVideoElement | null>,
  onFatal: (message: string) => void,
) {
  const hls = shallowRef<Hls | null>(null)
  const levels = ref<QualityLevel[]>([])
  const currentLevel = ref(-1)

  async function load(url: string) {
    destroy()
    const el = video.value
    if (!el) return
    const { default: HlsClass } = await import('hls.js/light')
    if (HlsClass.isSupported()) {
      const instance = new HlsClass({ capLevelToPlayerSize: true, maxBufferLength: 30 })
      hls.value = instance
      instance.on(HlsClass.Events.MANIFEST_PARSED, (_e, data) => {
        levels.value = data.levels.map((l, index) => ({
          index,
          label: l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kbit/s`,
        }))
        window.__rcPlayer = { levels: data.levels.length }
      })
      instance.on(HlsClass.Events.LEVEL_SWITCHED, (_e, data) => {
        currentLevel.value = instance.autoLevelEnabled ? -1 : data.level
      })
      let mediaRecoveries = 0
      instance.on(HlsClass.Events.ERROR, (_e, data) => {
        if (!data.fatal) return
        if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && mediaRecoveries++ < 2) {
          instance.recoverMediaError()
          return
        }
        onFatal(
          data.type === HlsClass.ErrorTypes.NETWORK_ERROR
            ? 'The video stream stopped loading. Check your connection; we will reconnect.'
            : 'This video cannot be played in this browser. Try another browser or reload the page.',
        )
      })
      instance.loadSource(url)
      instance.attachMedia(el)
    } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
      el.src = url
      window.__rcPlayer = { levels: 0 }
    } else {
      onFatal(
        'This browser cannot play streaming video. Use a current Chrome, Edge, Firefox or Safari.',
      )
    }
  }

  function setLevel(index: number) {
    if (!hls.value) return
    hls.value.currentLevel = index
    currentLevel.value = index
  }

  function destroy() {
    hls.value?.destroy()
    hls.value = null
  }

  onBeforeUnmount(destroy)

  return { load, destroy, levels, currentLevel, setLevel, hls }
}
