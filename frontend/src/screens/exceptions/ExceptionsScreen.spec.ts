import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { deferred, installFakeBackend, pensionJune, person } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { Declaration, PaymentException, PaymentOrder } from '../../types';

const order: PaymentOrder = {
  id: 'ord_01',
  declaration_id: 'dec_01',
  ticket_number: '325640100000012345',
  amount: '991.00',
  status: 'awaiting_payment',
  channel: 'unionpay',
  period_start: '2025-06',
  period_end: '2025-06',
};

const stuck: PaymentException = {
  order,
  attempts: [
    {
      id: 'att_01',
      order_id: 'ord_01',
      channel: 'unionpay',
      status: 'pending',
      amount: '991.00',
      qr_text: 'http://127.0.0.1:8787/sandbox/unionpay/cashier/att_01',
      pay_url: 'http://127.0.0.1:8787/sandbox/unionpay/cashier/att_01',
      expires_at: '2025-06-15T02:15:00Z',
    },
  ],
};

const declaration: Declaration = {
  id: 'dec_01',
  status: 'declared',
  total: '991.00',
  lines: [pensionJune],
  declared_at: '2025-06-15T02:00:00Z',
};

const confirmed = (journey: { identityConfirmed: (p: typeof person) => void }) =>
  journey.identityConfirmed(person);

describe('缴款异常处理', () => {
  it('should list each unfinished order with its ticket, amount, period and attempts', async () => {
    installFakeBackend({ list_payment_exceptions: () => ({ items: [stuck] }) });

    const { wrapper } = await renderApp('/exceptions', confirmed);

    const item = wrapper.get('[data-testid="exception"]');
    expect(item.attributes('data-ticket')).toBe('325640100000012345');
    expect(item.text()).toContain('991.00 元');
    expect(item.text()).toContain('2025-06');
    expect(item.get('[data-testid="exception-status"]').text()).toBe('待支付');
    const attempt = item.get('[data-testid="exception-attempt"]');
    expect(attempt.text()).toContain('银联支付');
    expect(attempt.text()).toContain('等待付款');
    expect(attempt.text()).toContain('2025-06-15 10:15:00');
  });

  it('should say so when no payment needs handling', async () => {
    installFakeBackend({ list_payment_exceptions: () => ({ items: [] }) });

    const { wrapper } = await renderApp('/exceptions', confirmed);

    expect(wrapper.get('[data-testid="exceptions-empty"]').text()).toContain('没有需要处理的缴款');
  });

  it('should lead to identity confirmation when no person is confirmed', async () => {
    installFakeBackend({
      list_payment_exceptions: () => {
        throw { code: 'identity_token_invalid', message: 'no confirmed identity' };
      },
    });

    const { wrapper, router } = await renderApp('/exceptions');
    expect(wrapper.get('[data-testid="exceptions-error"]').text()).toContain('重新进行身份确认');
    await wrapper.get('[data-testid="reconfirm"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('identity');
  });

  it('should void only after a confirmation that states the consequence, then offer to pay again', async () => {
    const answer = deferred<PaymentOrder>();
    const backend = installFakeBackend({
      list_payment_exceptions: () => ({ items: [stuck] }),
      void_ticket: () => answer.promise,
      list_declarations: () => ({ items: [declaration] }),
    });
    const { wrapper, router, journey } = await renderApp('/exceptions', confirmed);

    await wrapper.get('[data-testid="void-ticket"]').trigger('click');
    const consequence = wrapper.get('[data-testid="void-ticket-consequence"]').text();
    expect(wrapper.get('[data-testid="void-ticket-dialog"]').text()).toContain(
      '确定要作废此税票号吗？',
    );
    expect(consequence).toContain('325640100000012345');
    expect(consequence).toContain('不能再用它付款');
    expect(consequence).toContain('可以重新缴款');
    expect(backend.callsTo('void_ticket')).toHaveLength(0);

    await wrapper.get('.van-dialog__confirm').trigger('click');
    expect(wrapper.get('[data-testid="void-ticket"]').classes()).toContain('van-button--loading');
    answer.resolve({ ...order, status: 'voided' });
    await flushPromises();

    expect(backend.callsTo('void_ticket')).toEqual([{ order_id: 'ord_01' }]);
    expect(wrapper.get('[data-testid="void-result"]').attributes('data-status')).toBe('voided');
    expect(wrapper.get('[data-testid="exception-status"]').text()).toBe('已作废');
    expect(wrapper.get('[data-testid="exception-attempt"]').text()).toContain('已关闭');
    await wrapper.get('[data-testid="pay-again"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.fullPath).toBe('/pay/dec_01');
    expect(backend.callsTo('list_declarations')).toEqual([{ status: 'declared' }]);
    expect(journey.declaration?.id).toBe('dec_01');
    expect(wrapper.find('[data-testid="channel-alipay"]').exists()).toBe(true);
  });

  it('should not void when the person cancels', async () => {
    const backend = installFakeBackend({
      list_payment_exceptions: () => ({ items: [stuck] }),
      void_ticket: () => ({ ...order, status: 'voided' }),
    });
    const { wrapper } = await renderApp('/exceptions', confirmed);

    await wrapper.get('[data-testid="void-ticket"]').trigger('click');
    await wrapper.get('.van-dialog__cancel').trigger('click');
    await flushPromises();

    expect(backend.callsTo('void_ticket')).toHaveLength(0);
    expect(wrapper.find('[data-testid="void-result"]').exists()).toBe(false);
  });

  it('should show the payment as made when the channel reports it paid during the void', async () => {
    const paid: PaymentOrder = { ...order, status: 'paid', paid_at: '2025-06-15T02:05:09Z' };
    installFakeBackend({
      list_payment_exceptions: () => ({ items: [stuck] }),
      void_ticket: () => paid,
    });
    const { wrapper, router } = await renderApp('/exceptions', confirmed);

    await wrapper.get('[data-testid="void-ticket"]').trigger('click');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="void-result"]').attributes('data-status')).toBe('paid');
    expect(wrapper.get('[data-testid="void-result"]').text()).toContain('缴款已成功');
    await wrapper.get('[data-testid="view-paid"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/paid/ord_01');
  });

  it("should say the channel has not confirmed the close, in this screen's words, and keep the ticket", async () => {
    installFakeBackend({
      list_payment_exceptions: () => ({ items: [stuck] }),
      void_ticket: () => {
        throw { code: 'payment_in_progress', message: 'channel did not confirm' };
      },
    });
    const { wrapper } = await renderApp('/exceptions', confirmed);

    await wrapper.get('[data-testid="void-ticket"]').trigger('click');
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="void-error"]').text()).toContain('税票暂未作废');
    expect(wrapper.find('[data-testid="void-ticket"]').exists()).toBe(true);
  });
});
