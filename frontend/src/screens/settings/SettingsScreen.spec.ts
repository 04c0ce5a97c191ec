import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { acceptedSettings, installFakeBackend } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { Settings } from '../../types';

function savingBackend(extra: Record<string, (request: unknown) => unknown> = {}) {
  let stored: Settings = { ...acceptedSettings };
  const backend = installFakeBackend({
    get_settings: () => stored,
    save_settings: (request) => {
      stored = request as unknown as Settings;
      return { settings: stored, restart_needed: false };
    },
    ...extra,
  });
  return backend;
}

describe('settings', () => {
  it('should switch every text to English and keep the choice in the settings file', async () => {
    const backend = savingBackend();

    const { wrapper } = await renderApp('/settings');
    expect(wrapper.text()).toContain('长辈模式');
    await wrapper.get('[data-testid="settings-language-en"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('save_settings').at(-1)).toMatchObject({ language: 'en' });
    expect(wrapper.text()).toContain('Large text');
    expect(document.documentElement.lang).toBe('en');
  });

  it('should turn on large text for the whole app', async () => {
    const backend = savingBackend();

    const { wrapper } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-large-text"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('save_settings').at(-1)).toMatchObject({ large_text: true });
    expect(document.documentElement.classList.contains('large-text')).toBe(true);
  });

  it('should refuse keys that are not JSON without asking the shell', async () => {
    const backend = savingBackend();

    const { wrapper } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-gateway-remote"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="settings-origin"] input').setValue('https://gw.example.cn');
    await wrapper.get('[data-testid="settings-keys"] textarea').setValue('{not json');
    await wrapper.get('[data-testid="settings-save-gateway"]').trigger('click');
    await flushPromises();

    expect(wrapper.text()).toContain('密钥不是有效的 JSON');
    expect(backend.callsTo('save_settings')).toHaveLength(0);
  });

  it('should clear the device only after a confirmation that states the consequence', async () => {
    let revoked = true;
    const backend = savingBackend({ clear_device: () => ({ device_revoked: revoked }) });

    const { wrapper } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-clear-device"]').trigger('click');
    await flushPromises();

    const dialog = document.querySelector('.van-dialog');
    expect(dialog?.textContent).toContain('退出所有缴费人');
    expect(dialog?.textContent).toContain('相册中的证明图片不会删除');
    expect(backend.callsTo('clear_device')).toHaveLength(0);
    (document.querySelector('.van-dialog__confirm') as HTMLElement).click();
    await flushPromises();

    expect(backend.callsTo('clear_device')).toHaveLength(1);
    expect(document.body.textContent).toContain('原有的设备登记已在服务端注销');

    // Vant's dialog is one instance per page, so the unreachable gateway's case runs here too.
    revoked = false;
    await wrapper.get('[data-testid="settings-clear-device"]').trigger('click');
    await flushPromises();
    (document.querySelector('.van-dialog__confirm') as HTMLElement).click();
    await flushPromises();

    expect(backend.callsTo('clear_device')).toHaveLength(2);
    expect(document.querySelector('.van-dialog')?.textContent).toContain('没能注销');
  });
});

describe('first start', () => {
  it('should ask for consent to the privacy notice before anything else, once', async () => {
    let stored: Settings = { ...acceptedSettings, privacy_accepted: false };
    const consent = installFakeBackend({
      get_settings: () => stored,
      save_settings: (request) => {
        stored = request as unknown as Settings;
        return { settings: stored, restart_needed: false };
      },
    });

    const { wrapper } = await renderApp('/');
    const notice = wrapper.get('[data-testid="privacy-notice"]');
    expect(notice.text()).toContain('收集什么');
    expect(notice.text()).toContain('保存在哪里');
    expect(notice.text()).toContain('如何清除');
    expect(wrapper.find('[data-testid="open-package"]').exists()).toBe(false);

    await wrapper.get('[data-testid="privacy-accept"]').trigger('click');
    await flushPromises();

    expect(consent.callsTo('save_settings').at(-1)).toMatchObject({ privacy_accepted: true });
    expect(wrapper.find('[data-testid="privacy-notice"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="open-package"]').exists()).toBe(true);
  });
});
