/** How each 验真 verdict reads: its tone (good, warning, refused). */

import type { Verdict } from '../../types';

export type Tone = 'ok' | 'warn' | 'fail';

export const VERDICT_TONES: Record<Verdict, Tone> = {
  valid: 'ok',
  refunded: 'warn',
  superseded: 'warn',
  status_unavailable: 'warn',
  not_found: 'fail',
  tampered: 'fail',
  unknown_key: 'fail',
  not_a_certificate: 'fail',
  no_qr_code: 'fail',
};

export const TONE_ICONS: Record<Tone, string> = {
  ok: 'passed',
  warn: 'warning-o',
  fail: 'close',
};
