import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';

import {
  appInfo,
  declare,
  idTypes,
  listPayables,
  signOut,
  toAppError,
  waitPayment,
} from './backend';

describe('backend', () => {
  it('should pass a command its request as one `request` object with snake_case members', async () => {
    const seen: unknown[] = [];
    mockIPC((command, args) => {
      seen.push({ command, args });
      return { id: 'dec_1' };
    });

    await declare({ payable_ids: ['pay_01', 'pay_02'] });

    expect(seen).toEqual([
      { command: 'declare', args: { request: { payable_ids: ['pay_01', 'pay_02'] } } },
    ]);
  });

  it('should call a command that takes no request without a request argument', async () => {
    const seen: unknown[] = [];
    mockIPC((command, args) => {
      seen.push({ command, args });
      return { items: [], total: '0.00' };
    });

    await listPayables();

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ command: 'list_payables' });
    expect((seen[0] as { args: object }).args).not.toHaveProperty('request');
  });

  it("should reject with the shell's {code, message} as it came", async () => {
    mockIPC(() => {
      throw { code: 'payment_in_progress', message: 'order already open', extra: 1 };
    });

    await expect(waitPayment({ order_id: 'ord_1' })).rejects.toEqual({
      code: 'payment_in_progress',
      message: 'order already open',
    });
  });

  it('should keep a code this build does not know, so the screen can fall back', async () => {
    mockIPC(() => Promise.reject({ code: 'brand_new_code', message: 'x' }));

    await expect(appInfo()).rejects.toEqual({ code: 'brand_new_code', message: 'x' });
  });

  it('should report a rejection that is not {code, message} as a network error', async () => {
    for (const thrown of [
      'connection reset',
      new Error('ipc closed'),
      { message: 'no code' },
      null,
    ]) {
      mockIPC(() => {
        throw thrown;
      });

      const error = await appInfo().catch((reason: unknown) => reason);

      expect(error).toMatchObject({ code: 'network' });
      expect(typeof (error as { message: unknown }).message).toBe('string');
    }
  });

  it('should answer the value itself, not the generated `{status, data}` wrapper', async () => {
    mockIPC(() => ({ items: [], total: '0.00' }));

    await expect(listPayables()).resolves.toEqual({ items: [], total: '0.00' });
  });

  it('should reject a command that cannot be refused with an AppError all the same', async () => {
    mockIPC(() => {
      throw new Error('ipc closed');
    });

    await expect(idTypes()).rejects.toEqual({ code: 'network', message: 'ipc closed' });
  });

  it('should sign the current person out with a null request', async () => {
    const seen: unknown[] = [];
    mockIPC((command, args) => {
      seen.push({ command, args });
      return null;
    });

    await signOut();

    expect(seen).toEqual([{ command: 'sign_out', args: { request: null } }]);
  });

  it('should normalise a missing message to an empty string', () => {
    expect(toAppError({ code: 'internal' })).toEqual({ code: 'internal', message: '' });
  });
});
