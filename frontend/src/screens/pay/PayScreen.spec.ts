import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';

import type { Declaration, PaymentOrder, PaymentStarted } from '../../types';
import { deferred, installFakeBackend, pensionJune, person } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';

vi.mock('./pause', () => ({ RETRY_PAUSE_MS: 0, pause: () => Promise.resolve() }));

const declaration: Declaration = {
  id: 'dec_01',
  status: 'declared',
  total: '991.00',
  lines: [pensionJune],
  declared_at: '2025-06-15T02:00:00Z',
};

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

const started: PaymentStarted = {
  order,
  attempt: {
    id: 'att_01',
    order_id: 'ord_01',
    channel: 'unionpay',
    status: 'pending',
    amount: '991.00',
    qr_text: 'http://127.0.0.1:8787/sandbox/unionpay/cashier/att_01',
    pay_url: 'http://127.0.0.1:8787/sandbox/unionpay/cashier/att_01',
    expires_at: '2025-06-15T02:15:00Z',
  },
  qr_svg:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><path d="M0 0h7v7H0z"/></svg>',
};

const paid: PaymentOrder = { ...order, status: 'paid', paid_at: '2025-06-15T02:05:09Z' };

function declared(journey: {
  identityConfirmed: (p: typeof person) => void;
  declared: (d: Declaration) => void;
}) {
  journey.identityConfirmed(person);
  journey.declared(declaration);
}

/** Answers each wait_payment call with the next entry: an order, or an error to throw. */
function answers(
  ...sequence: (PaymentOrder | { code: string; message: string } | Promise<unknown>)[]
) {
  return () => {
    const next = sequence.shift();
    if (next === undefined) {
      return new Promise(() => undefined);
    }
    if ('code' in next) {
      throw next;
    }
    return next;
  };
}

async function startPaying(wrapper: VueWrapper) {
  await wrapper.get('[data-testid="channel-unionpay"]').trigger('click');
  await wrapper.get('[data-testid="pay"]').trigger('click');
  await flushPromises();
}

describe('pay', () => {
  it('should not start a payment before a channel is chosen', async () => {
    const backend = installFakeBackend({ start_payment: () => started });
    const { wrapper } = await renderApp('/pay/dec_01', declared);

    await wrapper.get('[data-testid="pay"]').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="pay"]').attributes('disabled')).toBeDefined();
    expect(backend.callsTo('start_payment')).toHaveLength(0);
  });

  it('should show amount, period and channel before the person commits', async () => {
    installFakeBackend();

    const { wrapper } = await renderApp('/pay/dec_01', declared);

    expect(wrapper.get('[data-testid="pay-amount"]').text()).toBe('991.00');
    expect(wrapper.get('[data-testid="pay-period"]').text()).toBe('2025-06 至 2025-06');
    expect(wrapper.get('[data-testid="channel-unionpay"]').text()).toContain('银联支付');
    expect(wrapper.get('[data-testid="channel-unionpay"]').text()).toContain('银行卡');
  });

  it('should show the ticket, the QR code, the cashier link and a waiting status', async () => {
    const firstAnswer = deferred<PaymentOrder>();
    const backend = installFakeBackend({
      start_payment: () => started,
      wait_payment: answers(firstAnswer.promise),
      open_pay_link: () => null,
    });
    const { wrapper } = await renderApp('/pay/dec_01', declared);

    await startPaying(wrapper);

    expect(backend.callsTo('start_payment')).toEqual([
      { declaration_id: 'dec_01', channel: 'unionpay' },
    ]);
    expect(wrapper.get('[data-testid="ticket-number"]').text()).toBe('325640100000012345');
    const qr = wrapper.get('[data-testid="payment-qr"] img');
    expect(qr.attributes('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    const link = wrapper.get('[data-testid="pay-link"]');
    expect(link.attributes('data-url')).toBe(started.attempt.pay_url);
    expect(wrapper.get('[data-testid="payment-status"]').text()).toBe('等待支付…');

    await link.trigger('click');
    expect(backend.callsTo('open_pay_link')).toEqual([{ attempt_id: 'att_01' }]);
  });

  it('should keep polling while the order awaits payment and show the result once paid', async () => {
    const backend = installFakeBackend({
      start_payment: () => started,
      wait_payment: answers(order, { ...order, status: 'created' }, order, paid),
    });
    const { wrapper, router } = await renderApp('/pay/dec_01', declared);

    await startPaying(wrapper);

    expect(backend.callsTo('wait_payment')).toEqual([
      { order_id: 'ord_01' },
      { order_id: 'ord_01' },
      { order_id: 'ord_01' },
      { order_id: 'ord_01' },
    ]);
    expect(router.currentRoute.value.fullPath).toBe('/paid/ord_01');
    const result = wrapper.get('[data-testid="paid-result"]');
    expect(result.attributes('data-status')).toBe('paid');
    expect(result.text()).toContain('缴费成功');
    expect(wrapper.get('[data-testid="paid-amount"]').text()).toBe('991.00');
    expect(wrapper.get('[data-testid="ticket-number"]').text()).toBe('325640100000012345');
    expect(wrapper.get('[data-testid="paid-period"]').text()).toBe('2025-06 至 2025-06');
    expect(wrapper.get('[data-testid="paid-at"]').text()).toBe('2025-06-15 10:05:09');
  });

  it('should say the result is being confirmed while the gateway reports unknown', async () => {
    installFakeBackend({
      start_payment: () => started,
      wait_payment: answers({ ...order, status: 'unknown' }),
    });
    const { wrapper, router } = await renderApp('/pay/dec_01', declared);

    await startPaying(wrapper);

    expect(wrapper.get('[data-testid="payment-status"]').text()).toBe(
      '正在确认支付结果，请勿重复支付',
    );
    expect(router.currentRoute.value.name).toBe('pay');
  });

  it('should say it is reconnecting after a network error and keep polling', async () => {
    const secondAnswer = deferred<PaymentOrder>();
    const backend = installFakeBackend({
      start_payment: () => started,
      wait_payment: answers({ code: 'network', message: 'connection reset' }, secondAnswer.promise),
    });
    const { wrapper, router } = await renderApp('/pay/dec_01', declared);

    await startPaying(wrapper);

    expect(wrapper.get('[data-testid="payment-status"]').text()).toBe(
      '网络连接中断，正在重新连接…',
    );
    expect(backend.callsTo('wait_payment')).toHaveLength(2);
    secondAnswer.resolve(paid);
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('paid');
  });

  it('should show a refused payment and not start polling', async () => {
    const backend = installFakeBackend({
      start_payment: () => {
        throw { code: 'payment_in_progress', message: 'an order is open' };
      },
    });
    const { wrapper } = await renderApp('/pay/dec_01', declared);

    await startPaying(wrapper);

    expect(wrapper.get('[data-testid="form-error"]').text()).toBe(
      '这笔费用已有一笔缴款正在处理中，请勿重复缴款',
    );
    expect(backend.callsTo('wait_payment')).toHaveLength(0);
  });

  it('should not start a second payment while the first is being started', async () => {
    const answer = deferred<PaymentStarted>();
    const backend = installFakeBackend({
      start_payment: () => answer.promise,
      wait_payment: answers(),
    });
    const { wrapper } = await renderApp('/pay/dec_01', declared);

    await wrapper.get('[data-testid="channel-unionpay"]').trigger('click');
    await wrapper.get('[data-testid="pay"]').trigger('click');
    await wrapper.get('[data-testid="pay"]').trigger('click');
    expect(wrapper.get('[data-testid="pay"]').attributes('disabled')).toBeDefined();
    answer.resolve(started);
    await flushPromises();

    expect(backend.callsTo('start_payment')).toHaveLength(1);
  });
});

describe('pay: channels, hand-off and exceptions', () => {
  const alipayStarted: PaymentStarted = {
    ...started,
    order: { ...order, channel: 'alipay' },
    attempt: {
      ...started.attempt,
      channel: 'alipay',
      qr_text: 'http://127.0.0.1:8787/sandbox/alipay/cashier/att_01',
      pay_url: 'http://127.0.0.1:8787/sandbox/alipay/cashier/att_01',
    },
  };

  it("should offer the seed guide's five channels, each with what it takes and refuses", async () => {
    installFakeBackend();
    const { wrapper } = await renderApp('/pay/dec_01', declared);

    const names = wrapper.findAll('[data-testid^="channel-"]').map((cell) => cell.text());
    expect(wrapper.get('[data-testid="channel-alipay"]').text()).toContain('支付宝支付');
    expect(wrapper.get('[data-testid="channel-refuses-alipay"]').text()).toBe(
      '不可用：花呗、余额宝',
    );
    expect(wrapper.get('[data-testid="channel-refuses-wechatpay"]').text()).toBe(
      '不可用：微信零钱',
    );
    expect(wrapper.get('[data-testid="channel-refuses-ningxia_wallet"]').text()).toContain(
      '支付宝余额',
    );
    expect(wrapper.get('[data-testid="channel-quickpass"]').text()).toContain('可用：银行卡');
    expect(wrapper.find('[data-testid="channel-refuses-unionpay"]').exists()).toBe(false);
    expect(names.join(' ')).toContain('我的宁夏·钱包');
  });

  it('should show a desktop the QR to scan with the phone app of the chosen channel', async () => {
    const backend = installFakeBackend({
      start_payment: () => alipayStarted,
      wait_payment: answers(),
    });
    const { wrapper } = await renderApp('/pay/dec_01', declared);

    await wrapper.get('[data-testid="channel-alipay"]').trigger('click');
    await wrapper.get('[data-testid="pay"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('start_payment')).toEqual([
      { declaration_id: 'dec_01', channel: 'alipay' },
    ]);
    expect(wrapper.find('[data-testid="payment-qr"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="scan-hint"]').text()).toBe('请用手机支付宝扫描二维码付款');
    expect(wrapper.get('[data-testid="payment-channel"]').text()).toContain('支付宝支付');
    expect(wrapper.find('[data-testid="pay-handoff"]').exists()).toBe(false);
  });

  it("should hand a phone's payment to the channel's app and keep the QR for another device", async () => {
    const agent = vi
      .spyOn(navigator, 'userAgent', 'get')
      .mockReturnValue('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36');
    const backend = installFakeBackend({
      start_payment: () => alipayStarted,
      wait_payment: answers(),
      open_pay_link: () => null,
    });
    const { wrapper } = await renderApp('/pay/dec_01', declared);

    await wrapper.get('[data-testid="channel-alipay"]').trigger('click');
    await wrapper.get('[data-testid="pay"]').trigger('click');
    await flushPromises();

    expect(wrapper.find('[data-testid="payment-qr"]').exists()).toBe(false);
    await wrapper.get('[data-testid="pay-handoff"]').trigger('click');
    expect(wrapper.get('[data-testid="pay-handoff"]').text()).toBe('打开支付宝付款');
    expect(backend.callsTo('open_pay_link')).toEqual([{ attempt_id: 'att_01' }]);
    await wrapper.get('[data-testid="toggle-qr"]').trigger('click');
    expect(wrapper.find('[data-testid="payment-qr"]').exists()).toBe(true);
    agent.mockRestore();
  });

  it('should load the declaration when opened without it (paying again after a ticket void)', async () => {
    const backend = installFakeBackend({
      list_declarations: () => ({ items: [declaration] }),
    });
    const { wrapper, journey } = await renderApp('/pay/dec_01', (j) => j.identityConfirmed(person));

    expect(backend.callsTo('list_declarations')).toEqual([{ status: 'declared' }]);
    expect(journey.declaration?.id).toBe('dec_01');
    expect(wrapper.get('[data-testid="pay-amount"]').text()).toBe('991.00');
  });

  it('should explain that another channel means voiding this ticket first, and lead there', async () => {
    installFakeBackend({
      start_payment: () => started,
      wait_payment: answers(),
      list_payment_exceptions: () => ({ items: [] }),
    });
    const { wrapper, router } = await renderApp('/pay/dec_01', declared);
    await startPaying(wrapper);

    await wrapper.get('[data-testid="switch-channel"]').trigger('click');
    expect(wrapper.get('[data-testid="switch-channel-dialog"]').text()).toContain(
      '先在“缴款异常处理”中作废这张税票',
    );
    await wrapper.get('.van-dialog__confirm').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('exceptions');
  });

  it('should lead to 缴款异常处理 when another payment of the declaration is in flight', async () => {
    installFakeBackend({
      start_payment: () => {
        throw { code: 'payment_in_progress', message: 'another attempt is pending' };
      },
      list_payment_exceptions: () => ({ items: [] }),
    });
    const { wrapper, router } = await renderApp('/pay/dec_01', declared);
    await startPaying(wrapper);

    await wrapper.get('[data-testid="open-exceptions"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('exceptions');
  });

  it('should offer the channels again once the ticket is voided', async () => {
    installFakeBackend({
      start_payment: () => started,
      wait_payment: answers({ ...order, status: 'voided' }),
    });
    const { wrapper, journey } = await renderApp('/pay/dec_01', declared);
    await startPaying(wrapper);

    expect(wrapper.get('[data-testid="payment-status"]').attributes('data-state')).toBe('voided');
    await wrapper.get('[data-testid="pay-again"]').trigger('click');

    expect(journey.payment).toBeNull();
    expect(wrapper.find('[data-testid="channel-alipay"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="pay"]').attributes('disabled')).toBeDefined();
  });
});
