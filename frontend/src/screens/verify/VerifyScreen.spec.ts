import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { Verification } from '../../types';

const valid: Verification = {
  verdict: 'valid',
  number: '20250000000001',
  amount: '991.00',
  period_start: '2025-06',
  period_end: '2025-06',
  issued_on: '2025-06-15',
  key_index: 1,
  verify_origin: 'http://127.0.0.1:8787',
  origin_local_only: true,
};

const refused = (verdict: Verification['verdict']): Verification => ({
  verdict,
  number: null,
  amount: null,
  period_start: null,
  period_end: null,
  issued_on: null,
  key_index: verdict === 'unknown_key' ? 7 : null,
  verify_origin: null,
  origin_local_only: false,
});

describe('验真', () => {
  it('should verify the saved certificate named in the link and say the origin is local', async () => {
    const backend = installFakeBackend({ verify_saved_certificate: () => valid });

    const { wrapper } = await renderApp('/verify?number=20250000000001');

    expect(backend.callsTo('verify_saved_certificate')).toEqual([{ number: '20250000000001' }]);
    const result = wrapper.get('[data-testid="verify-result"]');
    expect(result.attributes('data-verdict')).toBe('valid');
    expect(wrapper.get('[data-testid="verify-verdict"]').text()).toBe('真实有效');
    expect(result.text()).toContain('991.00');
    expect(wrapper.get('[data-testid="verify-local-only"]').text()).toContain('只能在本机打开');
  });

  it.each([
    ['tampered', '证明内容被改动'],
    ['unknown_key', '签名密钥未知'],
    ['not_a_certificate', '不是缴费证明'],
    ['no_qr_code', '没有找到二维码'],
    ['refunded', '已退款'],
  ] as const)('should give the %s verdict its own words and no fields', async (verdict, words) => {
    const backend = installFakeBackend({ verify_certificate_file: () => refused(verdict) });

    const { wrapper } = await renderApp('/verify');
    await wrapper.get('[data-testid="verify-choose-file"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('verify_certificate_file')).toEqual([
      { title: '选择要验真的证明图片', filter_name: '图片' },
    ]);
    expect(wrapper.get('[data-testid="verify-verdict"]').text()).toBe(words);
    expect(wrapper.find('[data-testid="verify-number"]').exists()).toBe(false);
  });

  it('should keep the screen as it was when the file dialog is cancelled', async () => {
    installFakeBackend({ verify_certificate_file: () => null });

    const { wrapper } = await renderApp('/verify');
    await wrapper.get('[data-testid="verify-choose-file"]').trigger('click');
    await flushPromises();

    expect(wrapper.find('[data-testid="verify-result"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="verify-error"]').exists()).toBe(false);
  });

  it('should show a file that cannot be read as an error', async () => {
    installFakeBackend({
      verify_certificate_file: () => {
        throw { code: 'read_failed', message: 'gone' };
      },
    });

    const { wrapper } = await renderApp('/verify');
    await wrapper.get('[data-testid="verify-choose-file"]').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="verify-error"]').text()).toContain('无法读取所选文件');
  });
});
