/**
 * A stand-in for the Tauri shell in unit tests, built on `mockIPC`: every command answers from
 * a handler, and every call is recorded with its arguments.
 */

import { mockIPC } from '@tauri-apps/api/mocks';

import type { AppInfo, IdTypeInfo, Payable, PayableList, Person, Settings } from '../types';

type Handler = (request: Record<string, unknown> | undefined) => unknown;

export interface FakeBackend {
  calls: { command: string; request: Record<string, unknown> | undefined }[];
  callsTo(command: string): (Record<string, unknown> | undefined)[];
}

export const sandboxInfo: AppInfo = {
  sandbox: true,
  sandbox_date: '2025-06-15',
  gateway_origin: 'http://127.0.0.1:8787',
  secret_store: 'os',
};

export const person: Person = {
  name_masked: '张*明',
  id_number_masked: '640102********1234',
  insured: true,
};

export const pensionJune: Payable = {
  id: 'pay_01',
  item: 'pension',
  period_start: '2025-06',
  period_end: '2025-06',
  months: 1,
  base: '4955.00',
  rate: '0.20',
  amount: '991.00',
  personal: '396.40',
  pooled: '594.60',
  policy_status: 'confirmed',
};

/** What the `id_types` command answers: `IdType::ALL` with `display_name_zh`. */
export const documentTypes: IdTypeInfo[] = [
  { id_type: 'resident_id_card', display_name_zh: '居民身份证' },
  { id_type: 'residence_permit_hmt', display_name_zh: '港澳台居民居住证' },
  { id_type: 'mainland_travel_permit_hk_mo', display_name_zh: '港澳居民来往内地通行证' },
  { id_type: 'mainland_travel_permit_tw', display_name_zh: '台湾居民来往大陆通行证' },
  { id_type: 'foreign_permanent_residence', display_name_zh: '外国人永久居留身份证' },
  { id_type: 'passport', display_name_zh: '护照' },
];

/** Settings of a device whose user accepted the privacy notice, in Chinese. */
export const acceptedSettings: Settings = {
  gateway: { kind: 'sandbox' },
  language: 'zh-CN',
  large_text: false,
  privacy_accepted: true,
  theme: 'system',
  reminders: false,
};

export const oneMonthDue: PayableList = { items: [pensionJune], total: '991.00' };

export function installFakeBackend(handlers: Record<string, Handler> = {}): FakeBackend {
  let captchaCount = 0;
  const defaults: Record<string, Handler> = {
    app_info: () => sandboxInfo,
    new_captcha: () => {
      captchaCount += 1;
      return { captcha_id: `cap_${captchaCount}`, image: 'data:image/png;base64,iVBORw0KGgo=' };
    },
    list_unpaid_declarations: () => ({ items: [] }),
    id_types: () => documentTypes,
    pending_outcomes: () => [],
    get_settings: () => acceptedSettings,
    remembered_people: () => [],
    check_id_number: (request) => ({
      valid: true,
      normalized: String(request?.id_number ?? '').toUpperCase(),
    }),
  };
  const all = { ...defaults, ...handlers };
  const calls: FakeBackend['calls'] = [];

  mockIPC((command, args) => {
    const request = (args as { request?: Record<string, unknown> } | undefined)?.request;
    calls.push({ command, request });
    const handler = all[command];
    if (!handler) {
      throw { code: 'internal', message: `no fake for ${command}` };
    }
    return handler(request);
  });

  return {
    calls,
    callsTo: (command) =>
      calls.filter((call) => call.command === command).map((call) => call.request),
  };
}

/** A promise the test settles by hand, to hold a command in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  return { promise, resolve, reject };
}
