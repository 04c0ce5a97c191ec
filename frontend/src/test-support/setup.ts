import { clearMocks } from '@tauri-apps/api/mocks';
import { enableAutoUnmount } from '@vue/test-utils';
import { afterAll, afterEach } from 'vitest';

/** Vant's NavBar measures itself up to 300 ms after mounting; let that finish before teardown. */
const VANT_MEASURE_MS = 350;

enableAutoUnmount(afterEach);

afterEach(() => {
  clearMocks();
  document.body.innerHTML = '';
});

afterAll(() => new Promise<void>((resolve) => setTimeout(resolve, VANT_MEASURE_MS)));
