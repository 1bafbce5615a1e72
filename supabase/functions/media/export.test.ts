import assert from 'node:assert/strict'
import { csvField, toCsv } from './export.ts'

Deno.test('MEDIA-6: CSV quoting and formula neutralization', () => {
  assert.equal(csvField('plain'), 'plain')
  assert.equal(csvField('a, b'), '"a, b"')
  assert.equal(csvField('say "hi"'), '"say ""hi"""')
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`)
  assert.equal(csvField(null), '')
})

Deno.test('MEDIA-6: one row per narration, segments without narrations kept', () => {
  const csv = toCsv([
    {
      id: 's1',
      startSeconds: 10,
      endSeconds: 20,
      source: 'staff',
      title: null,
      tags: ['action:tackle'],
      narrations: [
        { startSeconds: 11, author: 'coach', source: 'staff', text: 'Low, hard' },
        { startSeconds: 15, author: 'p1', source: 'member', text: 'line,\nspeed' },
      ],
    },
    {
      id: 's2',
      startSeconds: 30,
      endSeconds: 40,
      source: 'member',
      title: 'T',
      tags: [],
      narrations: [],
    },
  ])
  const lines = csv.trimEnd().split('\r\n')
  assert.equal(lines.length, 4)
  assert.match(lines[0]!, /^segment_id,start_seconds/)
  assert.equal(lines[1], 's1,10,20,staff,,action:tackle,11,coach,staff,"Low, hard"')
  assert.equal(lines[3], 's2,30,40,member,T,,,,,')
})
