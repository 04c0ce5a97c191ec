import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend, person } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { AccountDevice, AccountStatus } from '../../types';

const loggedIn: AccountStatus = {
  logged_in: true,
  id_type: 'resident_id_card',
  id_number_masked: '640104********0022',
  expires_at: '2025-06-15T10:30:00+08:00',
};

const thisOne: AccountDevice = {
  id: 'dev_aaaaaaaa11111111',
  enrolled_at: '2025-06-01T02:00:00Z',
  last_seen: '2025-06-15T02:00:00Z',
  current: true,
};

const lostPhone: AccountDevice = {
  id: 'dev_bbbbbbbb22222222',
  enrolled_at: '2025-05-01T02:00:00Z',
  last_seen: '2025-05-20T02:00:00Z',
  current: false,
};

function inBody(testId: string): HTMLElement | null {
  return document.querySelector(`[data-testid="${testId}"]`);
}

async function typeInto(testId: string, text: string) {
  const input = document.querySelector(`[data-testid="${testId}"]`) as HTMLInputElement;
  input.value = text;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}

describe('自然人账户', () => {
  it('should list the devices with this one marked and revoke a lost one after a warning', async () => {
    const backend = installFakeBackend({
      account_status: () => loggedIn,
      account_devices: () => ({ items: [thisOne, lostPhone] }),
      revoke_account_device: () => ({ ...lostPhone, revoked_at: '2025-06-15T02:05:00Z' }),
    });
    const { wrapper } = await renderApp('/account');

    expect(wrapper.get('[data-testid="account-summary"]').text()).toContain('640104********0022');
    const rows = wrapper.findAll('[data-testid="account-device"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.find('[data-testid="this-device"]').exists()).toBe(true);
    expect(rows[0]?.find('button[data-testid^="revoke-"]').exists()).toBe(false);

    await wrapper.get(`[data-testid="revoke-${lostPhone.id}"]`).trigger('click');
    await flushPromises();
    expect(inBody('revoke-confirm')?.textContent).toContain('丢失的手机将失去访问权限');
    expect(backend.callsTo('revoke_account_device')).toHaveLength(0);
    (
      document.querySelector('[data-testid="revoke-confirm"] .van-dialog__confirm') as HTMLElement
    ).click();
    await flushPromises();

    expect(backend.callsTo('revoke_account_device')).toEqual([{ device_id: lostPhone.id }]);
    const revoked = wrapper.findAll('[data-testid="account-device"]')[1];
    expect(revoked?.attributes('data-revoked')).toBe('true');
    expect(revoked?.text()).toContain('已注销');
  });

  it('should keep the devices when the revocation is cancelled', async () => {
    const backend = installFakeBackend({
      account_status: () => loggedIn,
      account_devices: () => ({ items: [thisOne, lostPhone] }),
    });
    const { wrapper } = await renderApp('/account');
    await wrapper.get(`[data-testid="revoke-${lostPhone.id}"]`).trigger('click');
    await flushPromises();
    (
      document.querySelector('[data-testid="revoke-confirm"] .van-dialog__cancel') as HTMLElement
    ).click();
    await flushPromises();
    expect(backend.callsTo('revoke_account_device')).toHaveLength(0);
  });

  it('should log out and offer the login again', async () => {
    const backend = installFakeBackend({
      account_status: () => loggedIn,
      account_devices: () => ({ items: [thisOne] }),
      log_out: () => null,
    });
    const { wrapper } = await renderApp('/account');
    await wrapper.get('[data-testid="log-out"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('log_out')).toHaveLength(1);
    expect(wrapper.find('[data-testid="login-form"]').exists()).toBe(true);
  });

  it('should be reachable from the settings', async () => {
    installFakeBackend({ account_status: () => ({ logged_in: false }) });
    const { wrapper, router } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-account"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('account');
  });
});

describe('新用户注册', () => {
  it('should confirm the identity first', async () => {
    installFakeBackend();
    const { router } = await renderApp('/account/register');
    expect(router.currentRoute.value.name).toBe('identity');
    expect(router.currentRoute.value.query.next).toBe('registerAccount');
  });

  it('should check the form, register and send to the login', async () => {
    const backend = installFakeBackend({
      register_account: () => ({
        account_id: 'acc_1',
        phone_masked: '138****0000',
        created_at: '2025-06-15T02:00:00Z',
      }),
    });
    const { wrapper, router } = await renderApp('/account/register', (journey) =>
      journey.identityConfirmed(person),
    );
    expect(wrapper.get('[data-testid="register-person"] input').element).toHaveProperty(
      'value',
      '张*明 640102********1234',
    );

    await typeInto('register-phone', '1380000');
    await typeInto('register-password', 'Shebao-2025');
    await typeInto('register-password-again', 'Shebao-2026');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('请输入 11 位大陆手机号码');
    expect(wrapper.text()).toContain('两次输入的密码不一致');
    expect(backend.callsTo('register_account')).toHaveLength(0);

    await typeInto('register-phone', '13800000000');
    await typeInto('register-password-again', 'Shebao-2025');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(backend.callsTo('register_account')).toEqual([
      { phone: '13800000000', password: 'Shebao-2025' },
    ]);
    expect(wrapper.get('[data-testid="register-done"]').text()).toContain('138****0000');
    await wrapper.get('[data-testid="register-to-login"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('taxCertificates');
  });

  it('should say the password rule when the gateway finds it too weak', async () => {
    installFakeBackend({
      register_account: () => {
        throw { code: 'password_too_weak', message: '' };
      },
    });
    const { wrapper } = await renderApp('/account/register', (journey) =>
      journey.identityConfirmed(person),
    );
    await typeInto('register-phone', '13800000000');
    await typeInto('register-password', 'abcdefgh');
    await typeInto('register-password-again', 'abcdefgh');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="register-error"]').text()).toContain('密码强度不够');
  });
});
