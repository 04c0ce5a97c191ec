import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { deferred, installFakeBackend, person } from '../../test-support/fake-backend';
import { elapse, renderApp } from '../../test-support/render';

const ID_NUMBER = '64010219900101123x';

async function fillForm(wrapper: VueWrapper) {
  await wrapper.get('[data-testid="name-input"]').setValue('张三明');
  await wrapper.get('[data-testid="id-number-input"]').setValue(ID_NUMBER);
  await wrapper.get('[data-testid="captcha-input"]').setValue('7K3P');
}

async function submit(wrapper: VueWrapper) {
  await wrapper.get('form').trigger('submit');
  await flushPromises();
}

describe('identity confirmation', () => {
  it('should show the captcha image under its id', async () => {
    installFakeBackend();

    const { wrapper } = await renderApp('/identity');

    const image = wrapper.get('[data-testid="captcha-image"]');
    expect(image.attributes('data-captcha-id')).toBe('cap_1');
    expect(image.attributes('src')).toMatch(/^data:image\/png;base64,/);
  });

  it('should show the translated captcha_invalid message, load a new captcha and clear the answer', async () => {
    const backend = installFakeBackend({
      confirm_identity: () => {
        throw { code: 'captcha_invalid', message: 'captcha answer does not match' };
      },
    });
    const { wrapper } = await renderApp('/identity');
    await fillForm(wrapper);

    await submit(wrapper);

    expect(wrapper.get('[data-testid="form-error"]').text()).toBe(
      '验证码不正确或已过期，请看清新验证码后重新输入',
    );
    expect(wrapper.get('[data-testid="captcha-image"]').attributes('data-captcha-id')).toBe(
      'cap_2',
    );
    expect((wrapper.get('[data-testid="captcha-input"]').element as HTMLInputElement).value).toBe(
      '',
    );
    expect(backend.callsTo('new_captcha')).toHaveLength(2);
  });

  it('should send the name, number as the core normalised it, and the captcha, then list payables', async () => {
    const backend = installFakeBackend({
      confirm_identity: () => person,
      list_payables: () => ({ items: [], total: '0.00' }),
    });
    const { wrapper, router, journey } = await renderApp('/identity');
    await fillForm(wrapper);

    await submit(wrapper);

    expect(backend.callsTo('confirm_identity')).toEqual([
      {
        name: '张三明',
        id_type: 'resident_id_card',
        id_number: '64010219900101123X',
        captcha_id: 'cap_1',
        captcha_answer: '7K3P',
      },
    ]);
    expect(journey.person).toEqual(person);
    expect(router.currentRoute.value.name).toBe('payables');
  });

  it("should show the core's refusal under the ID number field while typing", async () => {
    const backend = installFakeBackend({
      check_id_number: () => ({ valid: false, code: 'id_check_digit' }),
    });
    const { wrapper } = await renderApp('/identity');

    await wrapper.get('[data-testid="id-number-input"]').setValue('640102199001011235');
    await elapse(400);
    await flushPromises();

    expect(backend.callsTo('check_id_number')).toEqual([
      { id_type: 'resident_id_card', id_number: '640102199001011235' },
    ]);
    expect(wrapper.get('[data-testid="id-number-error"]').text()).toBe(
      '证件号码最后一位校验码不对，可能有数字填错，请逐位核对。',
    );
  });

  it('should wait for a pause in typing before asking the core to check the number', async () => {
    const backend = installFakeBackend();
    const { wrapper } = await renderApp('/identity');
    const input = wrapper.get('[data-testid="id-number-input"]');

    for (const typed of ['6401', '64010219', '640102199001']) {
      await input.setValue(typed);
      await elapse(50);
    }
    await elapse(400);

    expect(backend.callsTo('check_id_number')).toEqual([
      { id_type: 'resident_id_card', id_number: '640102199001' },
    ]);
  });

  it('should not call a number too short until the person leaves the field', async () => {
    installFakeBackend({ check_id_number: () => ({ valid: false, code: 'id_length' }) });
    const { wrapper } = await renderApp('/identity');
    const input = wrapper.get('[data-testid="id-number-input"]');

    await input.setValue('6401');
    await elapse(400);
    await flushPromises();
    expect(wrapper.find('[data-testid="id-number-error"]').exists()).toBe(false);

    await input.trigger('blur');

    expect(wrapper.get('[data-testid="id-number-error"]').text()).toContain('18 位');
  });

  it('should not confirm a number the core refuses', async () => {
    const backend = installFakeBackend({
      check_id_number: () => ({ valid: false, code: 'id_legacy_15' }),
      confirm_identity: () => person,
    });
    const { wrapper } = await renderApp('/identity');
    await fillForm(wrapper);

    await submit(wrapper);

    expect(backend.callsTo('confirm_identity')).toHaveLength(0);
    expect(wrapper.get('[data-testid="id-number-error"]').text()).toContain('15 位');
  });

  it('should disable the confirm button while a confirmation is in flight', async () => {
    const answer = deferred<unknown>();
    const backend = installFakeBackend({
      confirm_identity: () => answer.promise,
      list_payables: () => ({ items: [], total: '0.00' }),
    });
    const { wrapper } = await renderApp('/identity');
    await fillForm(wrapper);

    await submit(wrapper);
    const button = wrapper.get('[data-testid="confirm-identity"]');
    expect(button.attributes('disabled')).toBeDefined();
    await submit(wrapper);
    answer.resolve(person);
    await flushPromises();

    expect(backend.callsTo('confirm_identity')).toHaveLength(1);
  });
});
