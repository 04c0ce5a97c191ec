/**
 * The settings as the shell keeps them (`settings.json` in the app's data folder, through the
 * `get_settings` / `save_settings` commands; nothing in web storage), and their effect on the
 * screens: the language of every text and 长辈模式 (large text).
 */

import { defineStore } from 'pinia';
import { ref } from 'vue';

import { getSettings, saveSettings } from '../backend';
import type { SavedSettings, Settings } from '../types';

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null);
  const loadFailed = ref(false);

  async function load(): Promise<Settings | null> {
    try {
      settings.value = await getSettings();
      loadFailed.value = false;
    } catch {
      loadFailed.value = true;
    }
    return settings.value;
  }

  /** Saves a change on top of the current settings; rejects with the command's error. */
  async function update(change: Partial<Settings>): Promise<SavedSettings> {
    const current = settings.value ?? (await getSettings());
    const saved = await saveSettings({ ...current, ...change });
    settings.value = saved.settings;
    return saved;
  }

  return { settings, loadFailed, load, update };
});
