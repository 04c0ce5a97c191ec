import { flushPromises } from '@vue/test-utils';
import { PullRefresh } from 'vant';
import { describe, expect, it } from 'vitest';

import { deferred, installFakeBackend, person } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { CertificateLine, PaidPayment } from '../../types';

const line: CertificateLine = {
  item: 'pension',
  item_name: '企业职工基本养老保险费',
  sub_item_name: '职工基本养老保险(个人缴纳)',
  period_start: '2025-06',
  period_end: '2025-06',
  base: '4955.00',
  rate: '0.20',
  amount: '991.00',
};

const june: PaidPayment = {
  order_id: 'ord_06',
  ticket_number: '326400250600000001',
  status: 'paid',
  period_start: '2025-06',
  period_end: '2025-06',
  lines: [line],
  amount: '991.00',
  paid_at: '2025-06-15T10:15:00+08:00',
  paid_on: '2025-06-15',
  channel: 'unionpay',
};

const may: PaidPayment = {
  ...june,
  order_id: 'ord_05',
  ticket_number: '326400250500000001',
  period_start: '2025-05',
  period_end: '2025-05',
  lines: [{ ...line, period_start: '2025-05', period_end: '2025-05' }],
  paid_on: '2025-06-14',
};

const april: PaidPayment = {
  ...june,
  order_id: 'ord_04',
  ticket_number: '326400250400000001',
  status: 'refunded',
  period_start: '2025-04',
  period_end: '2025-04',
  refunded_at: '2025-06-15T12:00:00+08:00',
  certificate_number: '20250000000003',
  certificate_status: 'refunded',
};

function issuedFor(orderId: string, number: string) {
  return {
    certificate: { number, order_id: orderId, status: 'valid' },
    path: `/home/u/Pictures/社保缴费助手/缴费证明_${number}.png`,
    file_name: `缴费证明_${number}.png`,
    pages: [`/home/u/Pictures/社保缴费助手/缴费证明_${number}.png`],
    image: 'data:image/png;base64,iVBORw0KGgo=',
  };
}

const confirmed = (journey: { identityConfirmed: (p: typeof person) => void }) =>
  journey.identityConfirmed(person);

function inBody(testId: string): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
}

describe('缴费查询及证明开具', () => {
  it('should list paid payments with ticket number, paid date and certificate state, and refunded ones as refunded', async () => {
    installFakeBackend({
      list_paid_payments: () => ({
        items: [
          june,
          { ...may, certificate_number: '20250000000002', certificate_status: 'valid' },
          april,
        ],
      }),
    });
    const { wrapper } = await renderApp('/payments', confirmed);

    const rows = wrapper.findAll('[data-testid="payment"]');
    expect(rows.map((row) => row.attributes('data-status'))).toEqual(['paid', 'paid', 'refunded']);
    const first = rows[0]!;
    expect(first.get('[data-testid="payment-amount"]').text()).toBe('991.00');
    expect(first.get('[data-testid="payment-period"]').text()).toBe('2025-06 至 2025-06');
    expect(first.get('[data-testid="payment-paid-on"]').text()).toBe('2025-06-15');
    expect(first.get('[data-testid="payment-ticket"]').text()).toBe('326400250600000001');
    expect(first.get('[data-testid="payment-certificate-state"]').text()).toBe('未开具');
    expect(first.text()).toContain('银联支付');
    await first.get('[data-testid="payment-detail-toggle"]').trigger('click');
    const lines = first.get('[data-testid="payment-lines"]').text();
    expect(lines).toContain('职工基本养老保险(个人缴纳)');
    expect(lines).toContain('4955.00');

    // Issued: view it, no tick box. Refunded: said so, nothing to issue.
    expect(rows[1]!.get('[data-testid="payment-certificate-state"]').text()).toContain(
      '20250000000002',
    );
    expect(rows[1]!.find('[data-testid="payment-select"]').exists()).toBe(false);
    expect(rows[1]!.find('[data-testid="view-certificate"]').exists()).toBe(true);
    expect(rows[2]!.text()).toContain('已退款');
    expect(rows[2]!.get('[data-testid="refunded-note"]').text()).toContain('不能再开具');
    expect(rows[2]!.find('[data-testid="issue-one"]').exists()).toBe(false);
    expect(rows[2]!.find('[data-testid="payment-select"]').exists()).toBe(false);
  });

  it('should say when there are no payments, and load again when pulled down', async () => {
    let answers = 0;
    installFakeBackend({
      list_paid_payments: () => {
        answers += 1;
        return { items: answers === 1 ? [] : [june] };
      },
    });
    const { wrapper } = await renderApp('/payments', confirmed);
    expect(wrapper.get('[data-testid="payments-empty"]').text()).toContain('还没有缴费记录');

    const pull = wrapper.getComponent(PullRefresh);
    pull.vm.$emit('update:modelValue', true);
    pull.vm.$emit('refresh');
    await flushPromises();

    expect(answers).toBe(2);
    expect(wrapper.get('[data-testid="payment"]').attributes('data-id')).toBe('ord_06');
    expect(pull.props('modelValue')).toBe(false);
  });

  it('should issue one certificate and show it with the certificate actions', async () => {
    const backend = installFakeBackend({
      list_paid_payments: () => ({ items: structuredClone([june]) }),
      issue_certificate: (request) => issuedFor(String(request?.order_id), '20250000000001'),
    });
    const { wrapper } = await renderApp('/payments', confirmed);

    await wrapper.get('[data-testid="issue-one"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('issue_certificate')).toEqual([{ order_id: 'ord_06' }]);
    const result = inBody('issue-result')[0]!;
    expect(result.dataset.number).toBe('20250000000001');
    expect(result.querySelector('[data-testid="issue-result-preview"]')).not.toBeNull();
    expect(result.querySelector('[data-testid="certificate-actions"]')).not.toBeNull();
    expect(result.textContent).toContain('缴费证明_20250000000001.png');
    const row = wrapper.get('[data-testid="payment"]');
    expect(row.attributes('data-certificate')).toBe('20250000000001');
    expect(row.find('[data-testid="view-certificate"]').exists()).toBe(true);
  });

  it('should issue one certificate per ticked payment in turn, with progress, and report a failure', async () => {
    const first = deferred<unknown>();
    const backend = installFakeBackend({
      list_paid_payments: () => ({ items: structuredClone([june, may]) }),
      issue_certificate: (request) => {
        if (request?.order_id === 'ord_06') return first.promise;
        throw { code: 'render_failed', message: 'render failed' };
      },
    });
    const { wrapper } = await renderApp('/payments', confirmed);

    await wrapper.get('[data-testid="select-all"]').trigger('click');
    expect(wrapper.get('[data-testid="selected-summary"]').text()).toBe('已选 2 笔，共 1982.00 元');
    await wrapper.get('[data-testid="issue-selected"]').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="issue-progress"]').text()).toContain('正在开具第 1/2 张');
    expect(backend.callsTo('issue_certificate')).toEqual([{ order_id: 'ord_06' }]);

    first.resolve(issuedFor('ord_06', '20250000000001'));
    await flushPromises();

    expect(backend.callsTo('issue_certificate')).toEqual([
      { order_id: 'ord_06' },
      { order_id: 'ord_05' },
    ]);
    expect(wrapper.find('[data-testid="issue-progress"]').exists()).toBe(false);
    const results = inBody('issue-result');
    expect(results.map((r) => r.dataset.id)).toEqual(['ord_06', 'ord_05']);
    expect(results[0]!.querySelector('[data-testid="issue-result-open"]')).not.toBeNull();
    expect(results[1]!.querySelector('[data-testid="issue-result-error"]')?.textContent).toContain(
      '2025-05 至 2025-05 的缴费证明未能开具',
    );
    expect(document.body.textContent).toContain('已开具 1 张，1 张未成功');
  });

  it('should open a certificate saved on this device from the gallery', async () => {
    const backend = installFakeBackend({
      list_paid_payments: () => ({
        items: [{ ...june, certificate_number: '20250000000001', certificate_status: 'valid' }],
      }),
      saved_certificates: () => [{ number: '20250000000001' }],
      certificate_images: () => ({
        ...issuedFor('ord_06', '20250000000001'),
        images: ['data:image/png;base64,iVBORw0KGgo='],
      }),
    });
    const { wrapper, router } = await renderApp('/payments', confirmed);

    await wrapper.get('[data-testid="view-certificate"]').trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('certificate');
    expect(router.currentRoute.value.params.number).toBe('20250000000001');
    expect(backend.callsTo('issue_certificate')).toEqual([]);
  });

  it('should ask to confirm the identity again when the gateway no longer knows it', async () => {
    installFakeBackend({
      list_paid_payments: () => {
        throw { code: 'identity_token_invalid', message: 'expired' };
      },
    });
    const { wrapper, router } = await renderApp('/payments', confirmed);

    expect(wrapper.get('[data-testid="payments-error"]').attributes('data-code')).toBe(
      'identity_token_invalid',
    );
    await wrapper.get('[data-testid="reconfirm"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('identity');
    expect(router.currentRoute.value.query.next).toBe('payments');
  });
});
