import { describe, expect, it } from 'vitest';

import { installFakeBackend } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';

describe('paid result', () => {
  it('should show the status the gateway reported, with amount, ticket and period', async () => {
    installFakeBackend();

    const { wrapper } = await renderApp('/paid/ord_01', (journey) =>
      journey.paid({
        id: 'ord_01',
        declaration_id: 'dec_01',
        ticket_number: '325640100000012345',
        amount: '991.00',
        status: 'paid',
        paid_at: '2025-06-15T02:05:09Z',
        period_start: '2025-06',
        period_end: '2025-06',
      }),
    );

    const result = wrapper.get('[data-testid="paid-result"]');
    expect(result.attributes('data-status')).toBe('paid');
    expect(result.text()).toContain('缴费成功');
    expect(wrapper.get('[data-testid="paid-amount"]').text()).toBe('991.00');
    expect(wrapper.get('[data-testid="paid-period"]').text()).toBe('2025-06 至 2025-06');
    expect(wrapper.get('[data-testid="next-step"]').text()).toContain('开具缴费证明');
  });

  it('should explain and lead home when no paid order is held in memory', async () => {
    installFakeBackend();

    const { wrapper, router } = await renderApp('/paid/ord_unknown');

    expect(wrapper.find('[data-testid="paid-result"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="paid-missing"]').text()).toContain('从首页重新办理');
    await wrapper.get('[data-testid="back-home"]').trigger('click');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(router.currentRoute.value.name).toBe('home');
  });

  it('should issue the certificate once and show where it was saved', async () => {
    let release: () => void = () => {};
    const backend = installFakeBackend({
      issue_certificate: () =>
        new Promise((resolve) => {
          release = () =>
            resolve({
              certificate: { number: '20250000000001', status: 'valid' },
              path: '/home/u/Pictures/社保缴费助手/缴费证明_2025-06_20250000000001.png',
              file_name: '缴费证明_2025-06_20250000000001.png',
              image: 'data:image/png;base64,iVBORw0KGgo=',
            });
        }),
    });
    const { wrapper } = await renderApp('/paid/ord_01', (journey) =>
      journey.paid({
        id: 'ord_01',
        declaration_id: 'dec_01',
        ticket_number: '325640100000012345',
        amount: '991.00',
        status: 'paid',
        period_start: '2025-06',
        period_end: '2025-06',
      }),
    );

    const button = wrapper.get('[data-testid="issue-certificate"]');
    await button.trigger('click');
    await button.trigger('click');
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await wrapper.vm.$nextTick();

    expect(backend.callsTo('issue_certificate')).toEqual([{ order_id: 'ord_01' }]);
    const saved = wrapper.get('[data-testid="certificate"]');
    expect(saved.attributes('data-path')).toContain('社保缴费助手');
    expect(wrapper.get('[data-testid="certificate-path"]').text()).toContain(
      '缴费证明_2025-06_20250000000001.png',
    );
    expect(wrapper.find('[data-testid="certificate-preview"]').exists()).toBe(true);
  });

  it('should say what went wrong when the certificate cannot be saved', async () => {
    installFakeBackend({
      issue_certificate: () => Promise.reject({ code: 'save_failed', message: 'denied' }),
    });
    const { wrapper } = await renderApp('/paid/ord_01', (journey) =>
      journey.paid({
        id: 'ord_01',
        declaration_id: 'dec_01',
        ticket_number: '325640100000012345',
        amount: '991.00',
        status: 'paid',
        period_start: '2025-06',
        period_end: '2025-06',
      }),
    );

    await wrapper.get('[data-testid="issue-certificate"]').trigger('click');
    await new Promise((resolve) => setTimeout(resolve, 0));
    await wrapper.vm.$nextTick();

    expect(wrapper.get('[data-testid="certificate-error"]').text()).toContain('图片');
    expect(wrapper.find('[data-testid="issue-certificate"]').exists()).toBe(true);
  });
});
