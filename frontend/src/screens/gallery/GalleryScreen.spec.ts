import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { GalleryEntry } from '../../types';

const entry: GalleryEntry = {
  kind: 'payment',
  number: '20250000000001',
  name_masked: '马*燕',
  total: '991.00',
  period_start: '2025-06',
  period_end: '2025-06',
  issued_on: '2025-06-15',
  file_name: '缴费证明_2025-06_20250000000001.png',
  path: '/home/u/Pictures/社保缴费助手/缴费证明_2025-06_20250000000001.png',
  pages: 1,
  saved_at: 1750000000,
};

describe('saved certificates', () => {
  it('should say when nothing was saved yet', async () => {
    installFakeBackend({ saved_certificates: () => [] });

    const { wrapper } = await renderApp('/certificates');

    expect(wrapper.get('[data-testid="gallery-empty"]').text()).toContain('还没有保存过缴费证明');
  });

  it('should list each saved certificate with its masked holder and open it re-rendered', async () => {
    const backend = installFakeBackend({
      saved_certificates: () => [entry],
      certificate_images: () => ({
        certificate: {
          number: entry.number,
          name_masked: '马*燕',
          id_number_masked: '640104********0022',
          lines: [{ period_start: '2025-06', period_end: '2025-06' }],
          total: '991.00',
          issued_on: '2025-06-15',
        },
        path: entry.path,
        file_name: entry.file_name,
        pages: [entry.path],
        images: ['data:image/png;base64,iVBORw0KGgo='],
      }),
    });

    const { wrapper, router } = await renderApp('/certificates');
    const row = wrapper.get('[data-testid="gallery-entry"]');
    expect(row.text()).toContain('马*燕');
    expect(row.text()).toContain('991.00');
    await row.trigger('click');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('certificate');
    expect(backend.callsTo('certificate_images')).toEqual([{ number: entry.number }]);
    expect(wrapper.findAll('[data-testid="certificate-image"]')).toHaveLength(1);
    expect(wrapper.get('[data-testid="certificate-detail"]').text()).toContain(
      '640104********0022',
    );
  });

  it('should show the error and try again when the list cannot be read', async () => {
    let fail = true;
    installFakeBackend({
      saved_certificates: () => {
        if (fail) throw { code: 'journal_failed', message: 'x' };
        return [entry];
      },
    });

    const { wrapper } = await renderApp('/certificates');
    expect(wrapper.get('[data-testid="gallery-error"]').text()).toContain('办理记录');
    fail = false;
    await wrapper.get('[data-testid="gallery-error"] button').trigger('click');
    await flushPromises();

    expect(wrapper.findAll('[data-testid="gallery-entry"]')).toHaveLength(1);
  });

  it('should copy, save as and reveal through the shell with the certificate number only', async () => {
    const backend = installFakeBackend({
      certificate_images: () => ({
        certificate: { number: entry.number, lines: [], total: '991.00' },
        path: entry.path,
        file_name: entry.file_name,
        pages: [entry.path],
        images: [],
      }),
      copy_certificate_image: () => null,
      save_certificate_as: () => '/tmp/copy.png',
      show_certificate_in_folder: () => {
        throw { code: 'open_failed', message: 'no file manager' };
      },
    });

    const { wrapper } = await renderApp(`/certificates/${entry.number}`);
    await wrapper.get('[data-testid="certificate-copy"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="certificate-action-notice"]').text()).toBe('已复制到剪贴板');

    await wrapper.get('[data-testid="certificate-save-as"]').trigger('click');
    await flushPromises();
    expect(backend.callsTo('save_certificate_as')).toEqual([
      { number: entry.number, title: '另存缴费证明', filter_name: 'PNG 图片' },
    ]);
    expect(wrapper.get('[data-testid="certificate-action-notice"]').text()).toContain(
      '/tmp/copy.png',
    );

    await wrapper.get('[data-testid="certificate-show-in-folder"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="certificate-action-error"]').text()).toContain('无法打开');
    expect(backend.callsTo('copy_certificate_image')).toEqual([{ number: entry.number }]);
  });
});
