import { describe, expect, it } from 'vitest';

import { formatInstant, periodOf, ratePercent } from './format';

describe('format', () => {
  it('should show a fractional rate as a percentage without floating-point noise', () => {
    expect(ratePercent('0.20')).toBe('20');
    expect(ratePercent('0.2')).toBe('20');
    expect(ratePercent('0.08')).toBe('8');
    expect(ratePercent('0.125')).toBe('12.5');
    expect(ratePercent(0.2)).toBe('20');
    expect(ratePercent('1')).toBe('100');
  });

  it('should span the earliest start and the latest end of several lines', () => {
    expect(
      periodOf([
        { period_start: '2025-07', period_end: '2025-09' },
        { period_start: '2025-04', period_end: '2025-06' },
      ]),
    ).toEqual({ start: '2025-04', end: '2025-09' });
    expect(periodOf([])).toBeNull();
  });

  it('should show an instant in China Standard Time', () => {
    expect(formatInstant('2025-06-15T02:03:04Z')).toBe('2025-06-15 10:03:04');
    expect(formatInstant('not a time')).toBe('not a time');
  });
});
