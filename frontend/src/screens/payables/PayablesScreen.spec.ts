import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import type { Declaration } from '../../types';
import {
  deferred,
  installFakeBackend,
  oneMonthDue,
  pensionJune,
  person,
} from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';

const declaration: Declaration = {
  id: 'dec_01',
  status: 'declared',
  total: '991.00',
  lines: [pensionJune],
  declared_at: '2025-06-15T02:00:00Z',
};

function asConfirmed(journey: { identityConfirmed: (p: typeof person) => void }) {
  journey.identityConfirmed(person);
}

describe('payables', () => {
  it('should send a person who has not confirmed their identity to identity confirmation', async () => {
    installFakeBackend();

    const { router } = await renderApp('/payables');

    expect(router.currentRoute.value.name).toBe('identity');
  });

  it('should show the confirmed person masked, each payable and the total', async () => {
    installFakeBackend({ list_payables: () => oneMonthDue });

    const { wrapper } = await renderApp('/payables', asConfirmed);

    expect(wrapper.get('[data-testid="person-name-masked"]').text()).toBe('张*明');
    expect(wrapper.get('[data-testid="person-id-masked"]').text()).toBe('640102********1234');
    const rows = wrapper.findAll('[data-testid="payable-row"]');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.text()).toContain('企业职工基本养老保险费');
    expect(rows[0]?.text()).toContain('2025-06 至 2025-06');
    expect(wrapper.get('[data-testid="total-amount"]').text()).toBe('991.00');
  });

  it('should show the breakdown of a payable when its details are opened', async () => {
    installFakeBackend({ list_payables: () => oneMonthDue });
    const { wrapper } = await renderApp('/payables', asConfirmed);
    expect(wrapper.find('[data-testid="detail-base"]').exists()).toBe(false);

    await wrapper.get('[data-testid="payable-detail-toggle"]').trigger('click');

    expect(wrapper.get('[data-testid="detail-period"]').text()).toContain('2025-06 至 2025-06');
    expect(wrapper.get('[data-testid="detail-base"]').text()).toContain('缴费基数');
    expect(wrapper.get('[data-testid="detail-base"]').text()).toContain('4955.00 元');
    expect(wrapper.get('[data-testid="detail-rate"]').text()).toContain('20%');
    expect(wrapper.get('[data-testid="detail-amount"]').text()).toContain('991.00 元');
    expect(wrapper.get('[data-testid="detail-personal"]').text()).toContain('396.40 元');
    expect(wrapper.get('[data-testid="detail-pooled"]').text()).toContain('594.60 元');
  });

  it('should mark figures that are provisional or unconfirmed', async () => {
    installFakeBackend({
      list_payables: () => ({
        items: [
          { ...pensionJune, id: 'a', policy_status: 'provisional' },
          { ...pensionJune, id: 'b', policy_status: 'unconfirmed' },
        ],
        total: '1982.00',
      }),
    });

    const { wrapper } = await renderApp('/payables', asConfirmed);

    expect(wrapper.get('[data-testid="policy-provisional"]').text()).toBe('暂定');
    expect(wrapper.get('[data-testid="policy-unconfirmed"]').text()).toBe('未确认');
  });

  it('should explain the transmission wait when nothing is payable yet', async () => {
    installFakeBackend({ list_payables: () => ({ items: [], total: '0.00' }) });

    const { wrapper } = await renderApp('/payables', asConfirmed);

    expect(wrapper.get('[data-testid="payables-empty"]').text()).toContain('5–15 分钟');
    expect(wrapper.find('[data-testid="declare"]').exists()).toBe(false);
  });

  it('should offer to resume paying a declaration filed earlier, instead of the transmission wait', async () => {
    installFakeBackend({
      list_payables: () => ({ items: [], total: '0.00' }),
      list_unpaid_declarations: () => ({
        items: [{ ...declaration, open_order_id: 'ord_01' }],
      }),
    });
    const { wrapper, router, journey } = await renderApp('/payables', asConfirmed);

    expect(wrapper.find('[data-testid="payables-empty"]').exists()).toBe(false);
    const unpaid = wrapper.get('[data-testid="unpaid-declaration"]');
    expect(unpaid.text()).toContain('991.00');
    expect(unpaid.text()).toContain('不会重复扣款');
    await wrapper.get('[data-testid="pay-declared"]').trigger('click');
    await flushPromises();

    expect(journey.declaration?.id).toBe('dec_01');
    expect(router.currentRoute.value.fullPath).toBe('/pay/dec_01');
  });

  it('should ask for confirmation with amount and period, then declare every payable and go on to pay', async () => {
    const backend = installFakeBackend({
      list_payables: () => oneMonthDue,
      declare: () => declaration,
    });
    const { wrapper, router, journey } = await renderApp('/payables', asConfirmed);

    await wrapper.get('[data-testid="declare"]').trigger('click');
    expect(wrapper.get('[data-testid="confirm-amount"]').text()).toBe('991.00');
    expect(wrapper.get('[data-testid="confirm-period"]').text()).toBe('2025-06 至 2025-06');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await flushPromises();

    expect(backend.callsTo('declare')).toEqual([{ payable_ids: ['pay_01'] }]);
    expect(journey.declaration).toEqual(declaration);
    expect(router.currentRoute.value.fullPath).toBe('/pay/dec_01');
  });

  it('should not declare twice while a declaration is in flight', async () => {
    const answer = deferred<Declaration>();
    const backend = installFakeBackend({
      list_payables: () => oneMonthDue,
      declare: () => answer.promise,
    });
    const { wrapper } = await renderApp('/payables', asConfirmed);

    await wrapper.get('[data-testid="declare"]').trigger('click');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await wrapper.get('[data-testid="declare"]').trigger('click');
    expect(wrapper.get('[data-testid="declare"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('.van-dialog__confirm').classes()).toContain('van-button--loading');
    answer.resolve(declaration);
    await flushPromises();

    expect(backend.callsTo('declare')).toHaveLength(1);
  });

  it('should show why a declaration was refused', async () => {
    installFakeBackend({
      list_payables: () => oneMonthDue,
      declare: () => {
        throw { code: 'payable_not_available', message: 'already declared' };
      },
    });
    const { wrapper, router } = await renderApp('/payables', asConfirmed);

    await wrapper.get('[data-testid="declare"]').trigger('click');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="form-error"]').text()).toContain('请刷新待缴费用后重试');
    expect(router.currentRoute.value.name).toBe('payables');
  });
});
