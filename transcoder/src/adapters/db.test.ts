import { describe, expect, it } from 'vitest'
import { assetAssignments, bind, literal } from './db'

describe('SQL literals for the simple protocol', () => {
  it('quotes strings so no input can end the literal', () => {
    expect(literal("O'Brien")).toBe("E'O''Brien'")
    expect(literal('a\\')).toBe("E'a\\\\'")
    expect(literal("x\\'; drop table jobs; --")).toBe("E'x\\\\''; drop table jobs; --'")
    expect(() => literal('nul\0byte')).toThrow(/NUL/)
  })

  it('writes numbers, booleans, nulls, dates and json', () => {
    expect(literal(0.25)).toBe('0.25')
    expect(() => literal(Number.NaN)).toThrow()
    expect(literal(true)).toBe('true')
    expect(literal(null)).toBe('null')
    expect(literal(new Date('2026-01-02T03:04:05Z'))).toBe("E'2026-01-02T03:04:05.000Z'")
    expect(literal([{ name: "it's" }])).toBe(`E'[{"name":"it''s"}]'::jsonb`)
  })

  it('binds every placeholder and refuses missing ones', () => {
    expect(bind('select $1, $2, $1', ['a', 2])).toBe("select E'a', 2, E'a'")
    expect(() => bind('select $3', [1])).toThrow(/missing parameter/)
  })

  it('only assigns media_assets columns the worker owns', () => {
    expect(assetAssignments({ progress: 0.5, playable: true })).toBe(
      '"progress" = 0.5, "playable" = true',
    )
    expect(() => assetAssignments({ org_id: 'x' } as never)).toThrow(/not written by the worker/)
  })
})
