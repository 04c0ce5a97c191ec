/** Display helpers that never do arithmetic on money: amounts stay the gateway's strings. */

import type { Payable, YearMonth } from './types';

/** The first and last month covered by a set of lines (`YYYY-MM` sorts as text). */
export function periodOf(lines: Pick<Payable, 'period_start' | 'period_end'>[]): {
  start: YearMonth;
  end: YearMonth;
} | null {
  if (lines.length === 0) {
    return null;
  }

  const starts = lines.map((line) => line.period_start).sort();
  const ends = lines.map((line) => line.period_end).sort();
  return { start: starts[0] ?? '', end: ends[ends.length - 1] ?? '' };
}

/** A decimal fraction as a percentage by moving the decimal point: `"0.20"` → `"20"`. */
export function ratePercent(rate: string | number): string {
  const text = String(rate).trim();
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) {
    return text;
  }

  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  const shifted = `${whole}${fraction.slice(0, 2).padEnd(2, '0')}`.replace(/^0+(?=\d)/, '');
  const rest = fraction.slice(2).replace(/0+$/, '');
  return rest ? `${shifted}.${rest}` : shifted;
}

/** An RFC 3339 instant as `YYYY-MM-DD HH:mm:ss`, China Standard Time. */
export function formatInstant(instant: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) {
    return instant;
  }

  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}
