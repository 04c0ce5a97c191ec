/** The `policy_figures` command: the policy table behind the figures (src-tauri/policy.rs). */

import type * as Generated from '../../generated/bindings';

export { policyFigures } from '../../backend';

/** A rule of the table with its source and status. */
export type PolicySetting<T> = Generated.Setting<T>;
export type EntryFigures = Generated.EntryFigures;
export type ItemFigures = Generated.ItemFigures;
export type PolicyDeadline = Generated.Deadline;
export type PolicyFigures = Generated.PolicyFigures_Serialize;

/** A share as a percentage without trailing zeros: "0.08" → "8", "0.0005" → "0.05". */
export function percent(share: string): string {
  return String(Number((Number(share) * 100).toFixed(4)));
}
