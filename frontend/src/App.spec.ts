import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend, sandboxInfo } from './test-support/fake-backend';
import { renderApp } from './test-support/render';

describe('app shell', () => {
  it('should show the sandbox banner with the simulated date and the gateway origin', async () => {
    installFakeBackend();

    const { wrapper } = await renderApp('/');

    const banner = wrapper.get('[data-testid="sandbox-banner"]');
    expect(banner.text()).toBe('演示环境 · 模拟日期 2025-06-15 · 数据均为虚构');
    expect(banner.attributes('data-gateway-origin')).toBe('http://127.0.0.1:8787');
    expect(wrapper.find('[data-testid="session-only-notice"]').exists()).toBe(false);
  });

  it('should show no sandbox banner against a real gateway', async () => {
    installFakeBackend({
      app_info: () => ({ ...sandboxInfo, sandbox: false, sandbox_date: null }),
    });

    const { wrapper } = await renderApp('/');

    expect(wrapper.find('[data-testid="sandbox-banner"]').exists()).toBe(false);
  });

  it('should warn that an interrupted payment cannot resume when the keyring is unavailable', async () => {
    installFakeBackend({ app_info: () => ({ ...sandboxInfo, secret_store: 'session_only' }) });

    const { wrapper } = await renderApp('/');

    const notice = wrapper.get('[data-testid="session-only-notice"]');
    expect(notice.text()).toContain('钥匙串不可用');
    expect(notice.text()).toContain('无法自动恢复');
  });

  it('should say once what became of a payment request sent again at start', async () => {
    const backend = installFakeBackend({
      pending_outcomes: () => [
        { kind: 'payment_order', outcome: 'answered', answer_id: 'ord_1' },
        { kind: 'declaration', outcome: 'payable_not_available', answer_id: null },
      ],
    });

    const { wrapper } = await renderApp('/');

    const notices = wrapper.findAll('[data-testid="replayed-notice"]');
    expect(notices).toHaveLength(2);
    expect(notices[0]?.text()).toContain('缴款单已在本次启动时自动补交，已完成');
    expect(notices[1]?.text()).toContain('申报在本次启动时补交未成功');
    expect(backend.callsTo('pending_outcomes')).toHaveLength(1);
  });

  it('should lead from the recommended package card to identity confirmation', async () => {
    installFakeBackend();
    const { wrapper, router } = await renderApp('/');

    const card = wrapper.get('[data-testid="open-package"]');
    expect(card.text()).toContain('灵活就业人员社保费申报缴款套餐（推荐）');
    await card.trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('identity');
  });

  it('should name the tax and social security hotlines on the home screen', async () => {
    installFakeBackend();

    const { wrapper } = await renderApp('/');

    expect(wrapper.get('[data-testid="hotline-tax"]').text()).toContain('12366');
    expect(wrapper.get('[data-testid="hotline-social"]').text()).toContain('12333');
  });
});
