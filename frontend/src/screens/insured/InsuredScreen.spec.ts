import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend, person } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { InsuredInfo } from '../../types';

const insured: InsuredInfo = {
  insured: true,
  items: ['pension'],
  agency: '银川市社会保险事业管理中心（演示）',
  insured_since: '2024-01',
  paid_through: '2025-03',
  arrears: [
    {
      payable_id: 'pay_04',
      item: 'pension',
      period_start: '2025-04',
      period_end: '2025-05',
      months: 2,
      base: '4955.00',
      declared: true,
    },
  ],
  arrears_months: 2,
};

function asConfirmed(journey: { identityConfirmed: (p: typeof person) => void }) {
  journey.identityConfirmed(person);
}

describe('insured information', () => {
  it('should send a person who has not confirmed their identity there first, and back afterwards', async () => {
    installFakeBackend();

    const { router } = await renderApp('/insured');

    expect(router.currentRoute.value.name).toBe('identity');
    expect(router.currentRoute.value.query.next).toBe('insured');
  });

  it('should show status, items, agency, since, paid through and the arrears with what a gap means', async () => {
    installFakeBackend({ insured_info: () => insured });

    const { wrapper } = await renderApp('/insured', asConfirmed);

    expect(wrapper.get('[data-testid="insured-status"]').text()).toContain('已参保');
    expect(wrapper.get('[data-testid="insured-items"]').text()).toBe('企业职工基本养老保险费');
    expect(wrapper.get('[data-testid="insured-agency"]').text()).toContain('银川市');
    expect(wrapper.get('[data-testid="insured-since"]').text()).toBe('2024-01');
    expect(wrapper.get('[data-testid="paid-through"]').text()).toBe('2025-03');
    expect(wrapper.get('[data-testid="arrears-months"]').text()).toBe('共欠缴 2 个月');
    const row = wrapper.get('[data-testid="arrear-row"]').text();
    expect(row).toContain('2025-04 至 2025-05');
    expect(row).toContain('已申报待缴款');
    expect(wrapper.get('[data-testid="gap-note"]').text()).toContain('15 年');
    expect(wrapper.find('[data-testid="go-pay"]').exists()).toBe(true);
  });

  it('should say there are no arrears and that nothing was paid yet', async () => {
    installFakeBackend({
      insured_info: () => ({ ...insured, paid_through: undefined, arrears: [], arrears_months: 0 }),
    });

    const { wrapper } = await renderApp('/insured', asConfirmed);

    expect(wrapper.get('[data-testid="paid-through"]').text()).toBe('暂无缴费记录');
    expect(wrapper.get('[data-testid="arrears-none"]').text()).toContain('没有欠费');
    expect(wrapper.find('[data-testid="go-pay"]').exists()).toBe(false);
  });

  it('should offer registration to someone not insured', async () => {
    installFakeBackend({
      insured_info: () => ({ insured: false, items: [], arrears: [], arrears_months: 0 }),
      assessment_options: () => ({
        current_month: '2025-06',
        items: [],
        period_types: [],
        back_payment_allowed: false,
      }),
    });
    const { wrapper, router } = await renderApp('/insured', asConfirmed);

    expect(wrapper.get('[data-testid="insured-status"]').text()).toContain('未参保');
    expect(wrapper.get('[data-testid="not-insured-note"]').text()).toContain('12333');
    await wrapper.get('[data-testid="go-assessment"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('assessment');
  });

  it('should show the error of its code and try again', async () => {
    let calls = 0;
    installFakeBackend({
      insured_info: () => {
        calls += 1;
        if (calls === 1) throw { code: 'network', message: 'down' };
        return insured;
      },
    });
    const { wrapper } = await renderApp('/insured', asConfirmed);

    expect(wrapper.get('[data-testid="load-error"]').text()).toContain('网络连接失败');
    await wrapper.get('[data-testid="insured-retry"]').trigger('click');
    await flushPromises();

    expect(wrapper.find('[data-testid="load-error"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="insured-since"]').text()).toBe('2024-01');
  });
});
