import { describe, expect, it } from 'vitest'
import { ASSET_LAYOUT, assetKeys, extensionOf, narrationKeys } from './keys.ts'

const org = '0198c0de-0000-7000-8000-000000000001'
const asset = '0198c0de-0000-7000-8000-0000000000a5'

describe('storage keys', () => {
  it('puts everything of an asset under orgs/<org>/media/<asset>/, as the database checks', () => {
    const keys = assetKeys(org, asset)
    expect(keys.prefix).toBe(`orgs/${org}/media/${asset}/`)
    expect(keys.original('Final v Saints.MP4')).toBe(`${keys.prefix}original/source.mp4`)
    expect(keys.original('no-extension')).toBe(`${keys.prefix}original/source`)
    expect(keys.master).toBe(`${keys.prefix}hls/master.m3u8`)
    expect(keys.poster).toBe(`${keys.prefix}poster.jpg`)
    expect(keys.storyboardVtt).toBe(`${keys.prefix}storyboard/storyboard.vtt`)
    expect(keys.clipExport('seg-1')).toBe(`${keys.prefix}exports/seg-1.mp4`)
    expect(keys.coachAudio('seg-1')).toBe(`${keys.prefix}insights/seg-1.mp3`)
    expect(keys.outputs).toEqual([
      `${keys.prefix}hls/`,
      `${keys.prefix}storyboard/`,
      `${keys.prefix}poster.jpg`,
    ])
    for (const key of [keys.master, keys.poster, keys.storyboardVtt, ...keys.outputs]) {
      expect(key.startsWith(keys.prefix)).toBe(true)
    }
  })

  it('lays out rungs the way the master lists them', () => {
    expect(ASSET_LAYOUT.rungDir('360p')).toBe('hls/360p/')
    expect(`${ASSET_LAYOUT.hls}${ASSET_LAYOUT.rungPlaylist('360p')}`).toBe('hls/360p/index.m3u8')
  })

  it('takes only a short alphanumeric extension from the file name', () => {
    expect(extensionOf(' clip.MoV ')).toBe('.mov')
    expect(extensionOf('archive.tar.gz')).toBe('.gz')
    expect(extensionOf('weird.ext/../x')).toBe('')
    expect(extensionOf('long.abcdefghi')).toBe('')
  })

  it('keeps narration recordings under the org', () => {
    expect(narrationKeys(org, 'n1').audio('webm')).toBe(`orgs/${org}/narrations/n1/audio.webm`)
  })
})
