import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { deferred, installFakeBackend, pensionJune, person } from '../../test-support/fake-backend';
import { elapse, renderApp } from '../../test-support/render';
import type {
  AssessmentOptions,
  AssessmentProgress,
  AssessmentQuote,
  InsuredInfo,
  QuoteRequest,
} from '../../types';

const notInsured: InsuredInfo = { insured: false, items: [], arrears: [], arrears_months: 0 };
const insured: InsuredInfo = {
  insured: true,
  items: ['pension'],
  agency: '银川市社会保险事业管理中心（演示）',
  insured_since: '2025-06',
  arrears: [],
  arrears_months: 0,
};
const options: AssessmentOptions = {
  current_month: '2025-06',
  items: [{ item: 'pension', rate: '0.20', personal_share: '0.08', status: 'confirmed' }],
  period_types: [
    { period_type: 'monthly', start_months: ['2025-05', '2025-06'] },
    { period_type: 'quarterly', start_months: ['2025-01', '2025-04'] },
  ],
  back_payment_allowed: false,
};
const grades = [
  { share: '0.60', base: '4955.00' },
  { share: '1.00', base: '8258.00' },
];

/** A quote priced like the core's table for 2025 (20 % of the base a month). */
function quoteFor(request: QuoteRequest): AssessmentQuote {
  const months = request.period_type === 'quarterly' ? 3 : 1;
  const start = request.start_month;
  const end = months === 3 ? '2025-06' : start;
  const base = request.grade
    ? (grades.find((g) => g.share === request.grade)?.base ?? null)
    : (request.base ?? null);
  const inRange = base !== null && Number(base) >= 4955 && Number(base) <= 24774;
  const monthly = base && inRange ? (Number(base) * 0.2).toFixed(2) : '0.00';
  return {
    period_start: start,
    period_end: end,
    months,
    base_min: '4955.00',
    base_max: '24774.00',
    grades,
    range_status: 'confirmed',
    base,
    base_refusal: base !== null && !inRange ? 'base_out_of_range' : null,
    lines:
      base && inRange
        ? [
            {
              item: 'pension',
              rate: '0.20',
              monthly_amount: monthly,
              amount: (Number(monthly) * months).toFixed(2),
              personal: '0.00',
              pooled: '0.00',
              policy_status: 'confirmed',
            },
          ]
        : [],
    monthly_total: monthly,
    total: (Number(monthly) * months).toFixed(2),
    policy_status: 'confirmed',
  };
}

const transmitting: AssessmentProgress = {
  id: 'asm_01',
  status: 'transmitting',
  period_type: 'monthly',
  period_start: '2025-06',
  period_end: '2025-06',
  base: '4955.00',
  items: [pensionJune],
  total: '991.00',
  assessed_at: '2025-06-15T10:00:00+08:00',
  ready_at: '2025-06-15T10:00:03+08:00',
  seconds_left: 3,
};

function asConfirmed(journey: { identityConfirmed: (p: typeof person) => void }) {
  journey.identityConfirmed({ ...person, insured: false });
}

function backend(info: InsuredInfo, extra: Parameters<typeof installFakeBackend>[0] = {}) {
  return installFakeBackend({
    insured_info: () => info,
    assessment_options: () => options,
    quote_assessment: (request) => quoteFor(request as unknown as QuoteRequest),
    ...extra,
  });
}

/** Lets the debounced quote run and answer. */
async function settleQuote() {
  await elapse(300);
  await flushPromises();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('assessment wizard', () => {
  it('should ask someone not insured to register first, with the consequence, and register once', async () => {
    const answer = deferred<InsuredInfo>();
    const fake = backend(notInsured, { register: () => answer.promise });
    const { wrapper, journey } = await renderApp('/assessment', asConfirmed);

    expect(wrapper.get('[data-testid="assessment-steps"]').attributes('data-phase')).toBe(
      'register',
    );
    await wrapper.get('[data-testid="register"]').trigger('click');
    expect(wrapper.get('[data-testid="register-consequence"]').text()).toContain('2025-06');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    answer.resolve(insured);
    await flushPromises();
    await settleQuote();

    expect(fake.callsTo('register')).toHaveLength(1);
    expect(journey.person?.insured).toBe(true);
    expect(wrapper.get('[data-testid="insured-line"]').text()).toContain('参保登记成功');
  });

  it('should show the allowed range and the monthly amount of the lowest grade, then of another one', async () => {
    backend(insured);
    const { wrapper } = await renderApp('/assessment', asConfirmed);
    await settleQuote();

    expect(wrapper.get('[data-testid="base-range"]').text()).toContain('4955.00 至 24774.00');
    expect(wrapper.get('[data-testid="grade-0.60"]').attributes('aria-pressed')).toBe('true');
    expect(wrapper.get('[data-testid="quote-monthly"]').text()).toBe('991.00');

    await wrapper.get('[data-testid="grade-1.00"]').trigger('click');
    await settleQuote();

    expect(wrapper.get('[data-testid="quote-monthly"]').text()).toBe('1651.60');
  });

  it('should price a quarter and refuse a base outside the range with the range shown', async () => {
    const fake = backend(insured);
    const { wrapper } = await renderApp('/assessment', asConfirmed);
    await settleQuote();

    await wrapper.get('[data-testid="period-type-quarterly"]').trigger('click');
    await settleQuote();
    expect(wrapper.get('[data-testid="start-2025-04"]').attributes('aria-pressed')).toBe('true');
    expect(wrapper.get('[data-testid="quote-total"]').text()).toContain('2973.00');

    await wrapper.get('[data-testid="base-mode-custom"]').trigger('click');
    await wrapper.get('[data-testid="base-input"]').setValue('3000');
    await settleQuote();

    expect(fake.callsTo('quote_assessment').at(-1)).toMatchObject({ base: '3000' });
    expect(wrapper.get('[data-testid="base-error"]').text()).toContain('上下限');
    expect(wrapper.get('[data-testid="assessment-next"]').attributes('disabled')).toBeDefined();
  });

  it('should show a summary, submit once, count the transmission down and hand over to paying', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const created = deferred<AssessmentProgress>();
    const fake = backend(insured, {
      create_assessment: () => created.promise,
      get_assessment: () => ({ ...transmitting, status: 'payable', seconds_left: 0 }),
      list_payables: () => ({ items: [pensionJune], total: '991.00' }),
    });
    const { wrapper, router } = await renderApp('/assessment', asConfirmed);
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();

    await wrapper.get('[data-testid="assessment-next"]').trigger('click');
    expect(wrapper.get('[data-testid="summary-base"]').text()).toBe('4955.00 元');
    expect(wrapper.get('[data-testid="summary-total"]').text()).toBe('991.00');
    await wrapper.get('[data-testid="assessment-submit"]').trigger('click');
    await wrapper.get('[data-testid="assessment-submit"]').trigger('click');
    created.resolve(transmitting);
    await flushPromises();

    expect(fake.callsTo('create_assessment')).toEqual([
      { items: ['pension'], period_type: 'monthly', start_month: '2025-06', grade: '0.60' },
    ]);
    expect(wrapper.get('[data-testid="countdown"]').text()).toContain('0 分 3 秒');
    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.get('[data-testid="countdown"]').text()).toContain('0 分 2 秒');
    expect(fake.callsTo('get_assessment')).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(2000);
    await flushPromises();
    expect(fake.callsTo('get_assessment')).toEqual([{ assessment_id: 'asm_01' }]);
    expect(wrapper.get('[data-testid="ready-total"]').text()).toBe('991.00');

    await wrapper.get('[data-testid="assessment-pay"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('payables');
  });

  it('should show why an assessment was refused and stay on the summary', async () => {
    backend(insured, {
      create_assessment: () => {
        throw { code: 'period_already_assessed', message: '' };
      },
    });
    const { wrapper } = await renderApp('/assessment', asConfirmed);
    await settleQuote();

    await wrapper.get('[data-testid="assessment-next"]').trigger('click');
    await wrapper.get('[data-testid="assessment-submit"]').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="form-error"]').text()).toContain('已经核定过');
    expect(wrapper.find('[data-testid="summary"]').exists()).toBe(true);
  });
});
