import { flushPromises } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { checkReminders, type DueReminder } from '../../reminders';
import { acceptedSettings, installFakeBackend } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { Settings } from '../../types';

// The system's notification permission and the notifications themselves.
const notifications = vi.hoisted(() => ({
  granted: false,
  answer: 'granted' as NotificationPermission,
  asked: 0,
  shown: [] as { title: string; body?: string }[],
}));
vi.mock('@tauri-apps/plugin-notification', () => ({
  isPermissionGranted: async () => notifications.granted,
  requestPermission: async () => {
    notifications.asked += 1;
    notifications.granted = notifications.answer === 'granted';
    return notifications.answer;
  },
  sendNotification: (options: { title: string; body?: string }) => {
    notifications.shown.push(options);
  },
}));

beforeEach(() => {
  notifications.granted = false;
  notifications.answer = 'granted';
  notifications.asked = 0;
  notifications.shown = [];
});

const yearEnd: DueReminder = {
  id: 'year_end:2025',
  kind: 'year_end',
  year: 2025,
  date: '2025-12-31',
  status: 'unconfirmed',
  source: 'not documented for Ningxia flexible workers; conservative default',
  days_left: 11,
};

function savingBackend(initial: Partial<Settings> = {}, extra = {}) {
  let stored: Settings = { ...acceptedSettings, ...initial };
  return installFakeBackend({
    get_settings: () => stored,
    save_settings: (request) => {
      stored = request as unknown as Settings;
      return { settings: stored, restart_needed: false };
    },
    due_reminders: () => [],
    mark_reminder_sent: () => null,
    ...extra,
  });
}

describe('appearance', () => {
  it('should switch to the dark theme and keep the choice in the settings file', async () => {
    const backend = savingBackend();

    const { wrapper } = await renderApp('/settings');
    expect(wrapper.text()).toContain('跟随系统');
    await wrapper.get('[data-testid="settings-theme-dark"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('save_settings').at(-1)).toMatchObject({ theme: 'dark' });
    const root = document.documentElement;
    expect(root.classList.contains('van-theme-dark')).toBe(true);
    expect(root.style.getPropertyValue('--shebao-card')).toBe('#1c1f24');

    await wrapper.get('[data-testid="settings-theme-light"]').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(backend.callsTo('save_settings').at(-1)).toMatchObject({ theme: 'light' });
    expect(root.classList.contains('van-theme-dark')).toBe(false);
    expect(root.style.getPropertyValue('--shebao-card')).toBe('#ffffff');
  });

  it('should follow the system when nothing was chosen', async () => {
    const matchMedia = vi.spyOn(window, 'matchMedia').mockImplementation(
      (query: string) =>
        ({
          matches: query.includes('dark'),
          addEventListener() {},
          removeEventListener() {},
        }) as unknown as MediaQueryList,
    );
    savingBackend({ theme: 'system' });

    await renderApp('/settings');

    expect(document.documentElement.classList.contains('van-theme-dark')).toBe(true);
    matchMedia.mockRestore();
  });
});

describe('reminders', () => {
  it('should ask for permission to notify before turning reminders on', async () => {
    const backend = savingBackend();

    const { wrapper } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-reminders"]').trigger('click');
    await flushPromises();

    expect(notifications.asked).toBe(1);
    expect(backend.callsTo('save_settings').at(-1)).toMatchObject({ reminders: true });
    expect(wrapper.get('[data-testid="settings-reminders-notice"]').text()).toContain('已开启');
    // Turned on, the due reminders are checked at once.
    expect(backend.callsTo('due_reminders')).toHaveLength(1);
  });

  it('should keep reminders off and say why when notifications are not allowed', async () => {
    notifications.answer = 'denied';
    const backend = savingBackend();

    const { wrapper } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-reminders"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('save_settings')).toHaveLength(0);
    expect(wrapper.get('[data-testid="settings-reminders-notice"]').text()).toContain(
      '系统设置中允许通知',
    );
    expect(wrapper.get('[data-testid="settings-reminders"]').attributes('aria-checked')).toBe(
      'false',
    );
  });

  it('should turn reminders off without asking anything', async () => {
    notifications.granted = true;
    const backend = savingBackend({ reminders: true });

    const { wrapper } = await renderApp('/settings');
    await wrapper.get('[data-testid="settings-reminders"]').trigger('click');
    await flushPromises();

    expect(notifications.asked).toBe(0);
    expect(backend.callsTo('save_settings').at(-1)).toMatchObject({ reminders: false });
  });

  it('should show a due reminder at start, once, and tell the shell it was shown', async () => {
    notifications.granted = true;
    let sent: string[] = [];
    const backend = savingBackend(
      { reminders: true },
      {
        due_reminders: () => (sent.includes(yearEnd.id) ? [] : [yearEnd]),
        mark_reminder_sent: (request: { id: string }) => {
          sent = [...sent, request.id];
          return null;
        },
      },
    );

    await renderApp('/');

    expect(notifications.shown).toHaveLength(1);
    const [shown] = notifications.shown;
    expect(shown?.title).toBe('社保缴费截止提醒');
    expect(shown?.body).toContain('2025-12-31');
    expect(shown?.body).toContain('还有 11 天');
    expect(shown?.body).toContain('此规则未确认');
    expect(backend.callsTo('mark_reminder_sent')).toEqual([{ id: 'year_end:2025' }]);

    const t = (key: string) => key;
    expect(await checkReminders({ ...acceptedSettings, reminders: true }, t)).toBe(0);
    expect(notifications.shown).toHaveLength(1);
  });

  it('should show nothing while reminders are off', async () => {
    notifications.granted = true;
    const backend = savingBackend({ reminders: false }, { due_reminders: () => [yearEnd] });

    await renderApp('/');

    expect(backend.callsTo('due_reminders')).toHaveLength(0);
    expect(notifications.shown).toHaveLength(0);
  });
});
