import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend, person } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { MonthState, PaymentHistory } from '../../types';

const states2025: MonthState[] = [
  'not_insured',
  'not_insured',
  'gap',
  'gap',
  'paid',
  'due',
  'future',
  'future',
  'future',
  'future',
  'future',
  'future',
];

const record: PaymentHistory = {
  current_month: '2025-06',
  insured: true,
  items: ['pension'],
  insured_since: '2025-03',
  paid_through: '2025-05',
  paid_amount: '1982.00',
  paid_months: 2,
  arrears_months: 1,
  gap_months: 2,
  years: [
    {
      year: 2025,
      paid_amount: '991.00',
      paid_months: 1,
      arrears_months: 0,
      gap_months: 2,
      months: states2025.map((state, index) => ({
        month: `2025-${String(index + 1).padStart(2, '0')}`,
        state,
      })),
    },
    {
      year: 2024,
      paid_amount: '991.00',
      paid_months: 1,
      arrears_months: 1,
      gap_months: 0,
      months: Array.from({ length: 12 }, (_, index) => ({
        month: `2024-${String(index + 1).padStart(2, '0')}`,
        state: index === 10 ? 'paid' : index === 11 ? 'arrears' : 'not_insured',
      })),
    },
  ],
};

const confirmed = (journey: { identityConfirmed: (p: typeof person) => void }) =>
  journey.identityConfirmed(person);

describe('缴费记录', () => {
  it('should draw twelve labelled cells per year with the amount paid and the totals', async () => {
    installFakeBackend({ payment_history: () => record });
    const { wrapper } = await renderApp('/history', confirmed);

    const years = wrapper.findAll('[data-testid="history-year"]');
    expect(years.map((year) => year.attributes('data-year'))).toEqual(['2025', '2024']);
    const cells = years[0]!.findAll('[data-testid="history-cell"]');
    expect(cells).toHaveLength(12);
    expect(cells.map((cell) => cell.attributes('data-state'))).toEqual(states2025);
    expect(cells[4]!.attributes('aria-label')).toBe('2025年5月 已缴');
    expect(cells[2]!.attributes('aria-label')).toBe('2025年3月 断缴');
    expect(cells[5]!.attributes('aria-label')).toBe('2025年6月 本月待缴');
    // Not by colour alone: every cell has a symbol.
    expect(cells.every((cell) => cell.find('.van-icon').exists())).toBe(true);
    const cells2024 = years[1]!.findAll('[data-testid="history-cell"]');
    expect(cells2024[11]!.attributes('aria-label')).toBe('2024年12月 欠费');
    expect(years[0]!.get('[data-testid="history-year-amount"]').text()).toContain('实缴 991.00 元');

    expect(wrapper.get('[data-testid="history-paid-through"]').text()).toBe('2025-05');
    expect(wrapper.get('[data-testid="history-total"]').text()).toBe('1982.00 元');
    expect(wrapper.get('[data-testid="history-arrears-months"]').text()).toContain('欠费 1 个月');
    expect(wrapper.get('[data-testid="history-gap-months"]').text()).toContain('断缴 2 个月');
    const legend = wrapper.get('[data-testid="history-legend"]').text();
    for (const word of ['已缴', '欠费', '断缴', '本月待缴', '未到期', '未参保']) {
      expect(legend).toContain(word);
    }
    const explanation = wrapper.get('[data-testid="history-explain"]').text();
    expect(explanation).toContain('不计入养老保险的缴费月数');
    expect(explanation).toContain('医保待遇可能暂停');
    expect(wrapper.find('[data-testid="history-pay"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="history-assess"]').exists()).toBe(true);
  });

  it('should show the record in English with the same structure', async () => {
    installFakeBackend({ payment_history: () => record });
    const { wrapper } = await renderApp('/history', confirmed);
    const i18n = wrapper.vm.$i18n as unknown as { locale: string };
    i18n.locale = 'en';
    await flushPromises();

    const cell = wrapper.findAll('[data-testid="history-cell"]')[4]!;
    expect(cell.attributes('aria-label')).toBe('5/2025 paid');
    expect(wrapper.get('[data-testid="history-legend"]').text()).toContain('in arrears');
  });

  it('should offer to try again when the record cannot be read', async () => {
    let calls = 0;
    installFakeBackend({
      payment_history: () => {
        calls += 1;
        if (calls === 1) throw { code: 'network', message: 'offline' };
        return record;
      },
    });
    const { wrapper } = await renderApp('/history', confirmed);

    expect(wrapper.get('[data-testid="history-error"]').text()).toContain('网络连接失败');
    await wrapper.get('[data-testid="history-retry"]').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="history-year"]')).toHaveLength(2);
  });
});
