import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { EntryFigures, PolicyFigures } from './figures';

const source = 'salary-calculator provice.ts and pension-calculator ningxia.json agree';

function entry(year: number, status: EntryFigures['status'], lower: string): EntryFigures {
  return {
    from: `${year}-01`,
    to: `${year}-12`,
    average_wage: '8258',
    base_lower: lower,
    base_upper: '24774',
    grades: [
      { share: '0.60', base: `${lower}.00` },
      { share: '3.00', base: '24774.00' },
    ],
    status,
    source: status === 'confirmed' ? source : 'limits derived from the average wage',
  };
}

/** As `policy_figures` answers for the built-in Ningxia table (shortened). */
const ningxiaFigures: PolicyFigures = {
  region_name: '宁夏回族自治区',
  current_month: '2025-06',
  entries: [entry(2023, 'unconfirmed', '4600'), entry(2025, 'confirmed', '4955')],
  provisional: null,
  items: [
    {
      item: 'pension',
      name: '企业职工基本养老保险费',
      rate: '0.20',
      personal_share: '0.08',
      enabled: true,
      status: 'confirmed',
      source: '国发〔2005〕38号',
    },
    {
      item: 'medical',
      name: '职工基本医疗保险费',
      rate: '0.08',
      personal_share: '0',
      enabled: false,
      status: 'unconfirmed',
      source: "Ningxia's flexible-worker medical rate was not found",
    },
  ],
  grade_shares: { value: ['0.60', '3.00'], status: 'confirmed', source: '国办发〔2019〕13号' },
  period_types: {
    value: ['monthly', 'quarterly', 'yearly'],
    status: 'unconfirmed',
    source: 'the period options of the seed guide',
  },
  back_payment_allowed: {
    value: false,
    status: 'unconfirmed',
    source: 'not documented for Ningxia flexible workers; conservative default',
  },
  late_fee_daily_rate: {
    value: '0',
    status: 'unconfirmed',
    source: 'Social Insurance Law art. 86',
  },
  deadlines: [
    {
      id: 'year_end:2025',
      kind: 'year_end',
      year: 2025,
      date: '2025-12-31',
      status: 'unconfirmed',
      source: 'not documented for Ningxia flexible workers; conservative default',
    },
  ],
};

describe('about these figures', () => {
  it('should be reached from the settings', async () => {
    installFakeBackend({ policy_figures: () => ningxiaFigures });

    const { wrapper, router } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-figures"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('figures');
    expect(wrapper.text()).toContain('关于缴费标准');
  });

  it('should list each figure with its source and its status in words', async () => {
    const backend = installFakeBackend({ policy_figures: () => ningxiaFigures });

    const { wrapper } = await renderApp('/figures');

    expect(backend.callsTo('policy_figures')).toHaveLength(1);
    const confirmed = wrapper.get('[data-testid="figures-entry-2025-01"]');
    expect(confirmed.text()).toContain('4955');
    expect(confirmed.text()).toContain('24774');
    expect(confirmed.text()).toContain('60%：4955.00 元');
    expect(confirmed.text()).toContain('核实情况：已确认');
    expect(confirmed.text()).toContain(`来源：${source}`);
    expect(confirmed.text()).toContain('当前适用');
    const derived = wrapper.get('[data-testid="figures-entry-2023-01"]');
    expect(derived.text()).toContain('核实情况：未确认');
    expect(derived.text()).not.toContain('当前适用');

    const medical = wrapper.get('[data-testid="figures-item-medical"]');
    expect(medical.text()).toContain('8%');
    expect(medical.text()).toContain('核实情况：未确认');
    expect(medical.text()).toContain('本应用暂不提供此项缴费');
    expect(wrapper.get('[data-testid="figures-item-pension"]').text()).toContain('20%');

    const backPayment = wrapper.get('[data-testid="figures-rule-backPayment"]');
    expect(backPayment.text()).toContain('不允许');
    expect(backPayment.text()).toContain('核实情况：未确认');
    expect(wrapper.get('[data-testid="figures-rule-periodTypes"]').text()).toContain(
      '按月 / 按季 / 按年',
    );

    const deadline = wrapper.get('[data-testid="figures-deadline-year_end:2025"]');
    expect(deadline.text()).toContain('2025-12-31');
    expect(deadline.text()).toContain('核实情况：未确认');
    expect(wrapper.get('[data-testid="figures-no-due-day"]').text()).toContain('没有收录');
  });

  it('should mark a year past the table as provisional, in words', async () => {
    installFakeBackend({
      policy_figures: () => ({
        ...ningxiaFigures,
        current_month: '2026-03',
        provisional: { from: '2026-01', reuses: entry(2025, 'confirmed', '4955') },
      }),
    });

    const { wrapper } = await renderApp('/figures');

    const provisional = wrapper.get('[data-testid="figures-provisional"]');
    expect(provisional.text()).toContain('2026-01 起（暂用 2025 年标准）');
    expect(provisional.text()).toContain('核实情况：暂定');
    expect(wrapper.get('[data-testid="figures-entry-2025-01"]').text()).not.toContain('当前适用');
  });

  it('should say what went wrong and offer a retry when the table cannot be read', async () => {
    let fail = true;
    installFakeBackend({
      policy_figures: () => {
        if (fail) throw { code: 'internal', message: 'the policy table does not load' };
        return ningxiaFigures;
      },
    });

    const { wrapper } = await renderApp('/figures');
    expect(wrapper.find('[data-testid="figures-error"]').exists()).toBe(true);

    fail = false;
    await wrapper.get('[data-testid="figures-error"] button').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="figures-entry-2025-01"]').exists()).toBe(true);
  });

  it('should show the figures in English too', async () => {
    installFakeBackend({
      policy_figures: () => ningxiaFigures,
      get_settings: () => ({
        gateway: { kind: 'sandbox' },
        language: 'en',
        large_text: true,
        privacy_accepted: true,
        theme: 'dark',
        reminders: false,
      }),
    });

    const { wrapper } = await renderApp('/figures');

    expect(wrapper.get('[data-testid="figures-item-medical"]').text()).toContain(
      'Status: Unconfirmed',
    );
    expect(document.documentElement.classList.contains('large-text')).toBe(true);
    expect(document.documentElement.classList.contains('van-theme-dark')).toBe(true);
  });
});
