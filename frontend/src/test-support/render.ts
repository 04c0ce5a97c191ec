/** Mounts the whole app at a path, with a fresh store, the real router and Chinese text. */

import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory } from 'vue-router';

import App from '../App.vue';
import { createAppI18n } from '../i18n';
import { createAppRouter } from '../router';
import { useJourneyStore } from '../stores/journey';

type Journey = ReturnType<typeof useJourneyStore>;

export async function renderApp(path: string, prepare?: (journey: Journey) => void) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const journey = useJourneyStore();
  prepare?.(journey);

  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  await router.isReady();

  const wrapper = mount(App, {
    attachTo: document.body,
    global: { plugins: [pinia, createAppI18n(), router] },
  });
  await flushPromises();
  return { wrapper, router, journey };
}

/** Waits for real time to pass, for debounced work. */
export function elapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
