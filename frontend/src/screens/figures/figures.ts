/** The `policy_figures` command: the policy table behind the figures (src-tauri/policy.rs). */

import { invoke } from '@tauri-apps/api/core';

import { toAppError } from '../../backend';
import type { PolicyStatus, YearMonth } from '../../types';

/** A rule of the table with its source and status. */
export interface PolicySetting<T> {
  value: T;
  status: PolicyStatus;
  source: string;
}

export interface EntryFigures {
  from: YearMonth;
  to: YearMonth;
  average_wage: string;
  base_lower: string;
  base_upper: string;
  grades: { share: string; base: string }[];
  status: PolicyStatus;
  source: string;
}

export interface ItemFigures {
  item: 'pension' | 'medical';
  name: string;
  rate: string;
  personal_share: string;
  enabled: boolean;
  status: PolicyStatus;
  source: string;
}

export interface PolicyDeadline {
  id: string;
  kind: 'year_end';
  year: number;
  date: string;
  status: PolicyStatus;
  source: string;
}

export interface PolicyFigures {
  region_name: string;
  current_month: YearMonth;
  entries: EntryFigures[];
  provisional: { from: YearMonth; reuses: EntryFigures } | null;
  items: ItemFigures[];
  grade_shares: PolicySetting<string[]>;
  period_types: PolicySetting<('monthly' | 'quarterly' | 'yearly')[]>;
  back_payment_allowed: PolicySetting<boolean>;
  late_fee_daily_rate: PolicySetting<string>;
  deadlines: PolicyDeadline[];
}

export async function policyFigures(): Promise<PolicyFigures> {
  try {
    return await invoke<PolicyFigures>('policy_figures');
  } catch (reason) {
    throw toAppError(reason);
  }
}

/** A share as a percentage without trailing zeros: "0.08" → "8", "0.0005" → "0.05". */
export function percent(share: string): string {
  return String(Number((Number(share) * 100).toFixed(4)));
}
