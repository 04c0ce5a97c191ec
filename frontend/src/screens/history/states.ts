/** The states a month of the payment history can be in, in legend order, with their symbols. */

import type { MonthState } from '../../types';

export const MONTH_STATES: readonly MonthState[] = [
  'paid',
  'arrears',
  'gap',
  'due',
  'future',
  'not_insured',
];

/** A Vant icon per state, so that no state is told by its colour alone. */
export const STATE_ICONS: Record<MonthState, string> = {
  paid: 'success',
  arrears: 'warning-o',
  gap: 'minus',
  due: 'clock-o',
  future: 'ellipsis',
  not_insured: 'circle',
};
