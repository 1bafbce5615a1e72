import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import BarChart, { type ChartPoint } from './BarChart.vue'

const chart = (points: ChartPoint[], empty?: string, rows = false) =>
  mount(BarChart, { props: { title: 'Momentum', points, rows, ...(empty ? { empty } : {}) } })
const visibleLabels = (w: ReturnType<typeof chart>) =>
  w.findAll('.plot .label').map((l) => l.text())

describe('BarChart (OV-1 readable charts)', () => {
  it('shows the empty state instead of an empty plot when there are no points', () => {
    const w = chart([], 'No narrations yet.')
    expect(w.get('[data-testid="chart-empty"]').text()).toBe('No narrations yet.')
    expect(w.find('.plot').exists()).toBe(false)
    expect(w.find('details').exists()).toBe(false)
    expect(w.get('figcaption').text()).toBe('Momentum')
  })

  it('draws a single point as one bar of the usual width, labelled once', () => {
    const w = chart([{ label: 'Scrum', value: 3 }])
    expect(w.findAll('.bar')).toHaveLength(1)
    expect(w.get('.bar').attributes('style')).toContain('height: 100%')
    expect(visibleLabels(w)).toEqual(['Scrum'])
    // The column keeps the same max width as in a many-bar chart: it does not fill the card.
    expect(w.get('.plot').attributes('style')).toContain('repeat(1, minmax(0, 72px))')
    expect(w.get('.plot').attributes('aria-label')).toBe(
      'Momentum: 1 bar, Scrum; highest 3 (Scrum)',
    )
  })

  it('labels every bar of a short series and scales bars against the highest value', () => {
    const w = chart([
      { label: '0′', value: 1 },
      { label: '5′', value: 4 },
      { label: '10′', value: 0 },
    ])
    expect(visibleLabels(w)).toEqual(['0′', '5′', '10′'])
    const heights = w.findAll('.bar').map((b) => b.attributes('style'))
    expect(heights).toEqual(['height: 25%;', 'height: 100%;', 'height: 0%;'])
    expect(w.findAll('.bar.nonzero')).toHaveLength(2)
    expect(w.findAll('.value').map((v) => v.text())).toEqual(['1', '4', '0'])
  })

  it('names only the two ends of a long series, each once, under the first and last bars', () => {
    const points = Array.from({ length: 30 }, (_, i) => ({ label: `day ${i + 1}`, value: i % 4 }))
    const w = chart(points)
    expect(w.findAll('.bar')).toHaveLength(30)
    expect(visibleLabels(w)).toEqual(['day 1', 'day 30'])
    expect(w.find('.value').exists()).toBe(false)
    const [first, last] = w.findAll('.label.end')
    expect(first!.attributes('style')).toContain('grid-column: 1 / span 15')
    expect(last!.attributes('style')).toContain('grid-column: 16 / span 15')
    expect(w.get('.plot').attributes('style')).toContain('repeat(30, minmax(0, 40px))')
    // Everything is still readable as numbers.
    expect(w.findAll('tbody tr')).toHaveLength(30)
  })

  it('draws named categories as rows: each label once, bar lengths against the highest', () => {
    const w = chart(
      [
        { label: 'Counter attack', value: 2 },
        { label: 'Lineout', value: 1 },
      ],
      undefined,
      true,
    )
    expect(w.find('.plot').exists()).toBe(false)
    expect(w.findAll('.rows .label').map((l) => l.text())).toEqual(['Counter attack', 'Lineout'])
    expect(w.findAll('.rows .bar').map((b) => b.attributes('style'))).toEqual([
      'width: 100%;',
      'width: 50%;',
    ])
    expect(w.findAll('.rows .value').map((v) => v.text())).toEqual(['2', '1'])
  })
})
