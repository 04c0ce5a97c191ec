import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import {
  deferred,
  documentTypes,
  installFakeBackend,
  person,
} from '../../test-support/fake-backend';
import { elapse, renderApp } from '../../test-support/render';

const ID_NUMBER = '64010219900101123x';

async function fillForm(wrapper: VueWrapper) {
  await wrapper.get('[data-testid="name-input"]').setValue('张三明');
  await wrapper.get('[data-testid="id-number-input"]').setValue(ID_NUMBER);
  await wrapper.get('[data-testid="captcha-input"]').setValue('7K3P');
}

/** Opens the document type picker and confirms the option named `name`. */
async function pickIdType(wrapper: VueWrapper, name: string) {
  await wrapper.get('[data-testid="id-type"]').trigger('click');
  await flushPromises();
  const options = [...document.body.querySelectorAll<HTMLElement>('.van-picker-column__item')];
  const option = options.find((item) => item.textContent?.trim() === name);
  if (!option) {
    throw new Error(`no picker option ${name}`);
  }
  option.click();
  await flushPromises();
  document.body.querySelector<HTMLElement>('.van-picker__confirm')?.click();
  await flushPromises();
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

  describe('document types', () => {
    it("should offer every document type under the core's Chinese name, resident ID card first", async () => {
      const backend = installFakeBackend();
      const { wrapper } = await renderApp('/identity');

      await wrapper.get('[data-testid="id-type"]').trigger('click');
      await flushPromises();

      const options = [...document.body.querySelectorAll('.van-picker-column__item')].map((item) =>
        item.textContent?.trim(),
      );
      expect(options).toEqual(documentTypes.map((info) => info.display_name_zh));
      expect(backend.callsTo('id_types')).toHaveLength(1);
      const field = wrapper.get('[data-testid="id-type"]');
      expect(field.attributes('data-id-type')).toBe('resident_id_card');
      expect((field.get('input').element as HTMLInputElement).value).toBe('居民身份证');
    });

    it('should check the number by the rules of the picked type and confirm with that type', async () => {
      const backend = installFakeBackend({
        check_id_number: (request) =>
          request?.id_type === 'residence_permit_hmt'
            ? { valid: true, normalized: '810000199203050027' }
            : { valid: false, code: 'id_region' },
        confirm_identity: () => person,
        list_payables: () => ({ items: [], total: '0.00' }),
      });
      const { wrapper } = await renderApp('/identity');

      await pickIdType(wrapper, '港澳台居民居住证');
      const field = wrapper.get('[data-testid="id-type"]');
      expect(field.attributes('data-id-type')).toBe('residence_permit_hmt');
      expect((field.get('input').element as HTMLInputElement).value).toBe('港澳台居民居住证');

      await wrapper.get('[data-testid="name-input"]').setValue('陈嘉欣');
      await wrapper.get('[data-testid="id-number-input"]').setValue('810000 19920305 0027');
      await wrapper.get('[data-testid="captcha-input"]').setValue('7K3P');
      await elapse(400);
      await flushPromises();
      expect(wrapper.find('[data-testid="id-number-error"]').exists()).toBe(false);
      await submit(wrapper);

      expect(backend.callsTo('check_id_number')[0]).toEqual({
        id_type: 'residence_permit_hmt',
        id_number: '810000 19920305 0027',
      });
      expect(backend.callsTo('confirm_identity')).toEqual([
        {
          name: '陈嘉欣',
          id_type: 'residence_permit_hmt',
          id_number: '810000199203050027',
          captcha_id: 'cap_1',
          captcha_answer: '7K3P',
        },
      ]);
    });

    it.each([
      ['港澳台居民居住证', 'residence_permit_hmt', 'id_prefix', '以 810000、820000 或 830000 开头'],
      ['港澳居民来往内地通行证', 'mainland_travel_permit_hk_mo', 'id_length', 'H 或 M 加 8 位数字'],
      ['台湾居民来往大陆通行证', 'mainland_travel_permit_tw', 'id_characters', '8 位数字'],
      ['外国人永久居留身份证', 'foreign_permanent_residence', 'id_length', '以 9 开头'],
      ['护照', 'passport', 'id_characters', '5 至 17 位字母和数字'],
    ])(
      "should explain a %s number's shape when the core refuses it for that type",
      async (name, idType, code, text) => {
        const backend = installFakeBackend({
          check_id_number: (request) =>
            request?.id_type === idType ? { valid: false, code } : { valid: true },
        });
        const { wrapper } = await renderApp('/identity');
        await pickIdType(wrapper, name);

        const input = wrapper.get('[data-testid="id-number-input"]');
        await input.setValue('A1');
        await input.trigger('blur');
        await elapse(400);
        await flushPromises();

        expect(backend.callsTo('check_id_number')).toEqual([{ id_type: idType, id_number: 'A1' }]);
        const error = wrapper.get('[data-testid="id-number-error"]').text();
        expect(error).toContain(text);
        expect(error).not.toContain('居民身份证号码为 18 位');
      },
    );

    it('should check the number again under the new type when the type changes', async () => {
      const backend = installFakeBackend({
        check_id_number: (request) =>
          request?.id_type === 'passport' ? { valid: true } : { valid: false, code: 'id_length' },
      });
      const { wrapper } = await renderApp('/identity');
      const input = wrapper.get('[data-testid="id-number-input"]');
      await input.setValue('E12345678');
      await input.trigger('blur');
      await elapse(400);
      await flushPromises();
      expect(wrapper.find('[data-testid="id-number-error"]').exists()).toBe(true);

      await pickIdType(wrapper, '护照');
      await elapse(400);
      await flushPromises();

      expect(backend.callsTo('check_id_number').map((request) => request?.id_type)).toEqual([
        'resident_id_card',
        'passport',
      ]);
      expect(wrapper.find('[data-testid="id-number-error"]').exists()).toBe(false);
    });
  });
});
