/**
 * Payment reminders: while the app runs (at start, when reminders are turned on, and every
 * hour), ask the shell which deadlines of the policy table are due for a reminder, show each
 * as a system notification in the person's language, and tell the shell it was shown so it is
 * shown once. The shell keeps the sent list in the app's data folder, not in web storage.
 */

import {
  isPermissionGranted,
  requestPermission,
  sendNotification,
} from '@tauri-apps/plugin-notification';
import { watch } from 'vue';

import { dueReminders, markReminderSent } from './backend';
import type * as Generated from './generated/bindings';
import type { Settings } from './types';

/** A deadline whose reminder is due now (see src-tauri/reminders.rs). */
export type DueReminder = Generated.DueReminder;

type Translate = (key: string, values?: Record<string, unknown>) => string;

const CHECK_EVERY_MS = 60 * 60 * 1000;

/** Whether the system lets the app notify, asking the person if it has not been decided. */
export async function allowNotifications(): Promise<boolean> {
  if (await isPermissionGranted()) return true;
  return (await requestPermission()) === 'granted';
}

/** Shows the reminders due now, each once. Does nothing while reminders are off. */
export async function checkReminders(settings: Settings | null, t: Translate): Promise<number> {
  if (!settings?.reminders || !(await isPermissionGranted())) return 0;
  const due = await dueReminders();
  for (const reminder of due) {
    sendNotification({
      title: t('reminders.yearEndTitle'),
      body: t('reminders.yearEndBody', {
        year: reminder.year,
        date: reminder.date,
        days: reminder.days_left,
        status: t(`figures.status.${reminder.status}`).toLowerCase(),
      }),
    });
    await markReminderSent(reminder.id);
  }
  return due.length;
}

/**
 * Checks when the settings are known or reminders are turned on, then every hour; answers a
 * function that stops the checks.
 */
export function startReminders(settings: () => Settings | null, t: Translate): () => void {
  const check = () => {
    // A reminder that cannot be shown now is tried again at the next check.
    checkReminders(settings(), t).catch(() => undefined);
  };
  const stopWatching = watch(
    () => settings()?.reminders,
    (on) => {
      if (on) check();
    },
    { immediate: true },
  );
  const timer = setInterval(check, CHECK_EVERY_MS);
  return () => {
    stopWatching();
    clearInterval(timer);
  };
}
