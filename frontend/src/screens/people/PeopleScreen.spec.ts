import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { installFakeBackend } from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { RememberedPerson } from '../../types';

const ma: RememberedPerson = {
  person_id: 'person_a',
  name_masked: '马*燕',
  id_number_masked: '640104********0022',
  insured: true,
  current: true,
};
const wang: RememberedPerson = {
  person_id: 'person_b',
  name_masked: '王*国',
  id_number_masked: '640202********001X',
  insured: true,
  current: false,
};

describe('payers', () => {
  it('should say when no payer is remembered and offer to add one', async () => {
    installFakeBackend({ remembered_people: () => [] });

    const { wrapper, router } = await renderApp('/people');

    expect(wrapper.get('[data-testid="people-empty"]').text()).toContain(
      '还没有在本机确认过缴费人',
    );
    await wrapper.get('[data-testid="person-add"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('identity');
  });

  it('should switch to another family member and make them current', async () => {
    let people = [ma, wang];
    const backend = installFakeBackend({
      remembered_people: () => people,
      switch_person: () => {
        people = [
          { ...wang, current: true },
          { ...ma, current: false },
        ];
        return {
          name_masked: wang.name_masked,
          id_number_masked: wang.id_number_masked,
          insured: true,
        };
      },
    });

    const { wrapper, journey } = await renderApp('/people');
    const rows = wrapper.findAll('[data-testid="person-row"]');
    expect(rows).toHaveLength(2);
    await rows[1]!.get('[data-testid="person-switch"]').trigger('click');
    await flushPromises();

    expect(backend.callsTo('switch_person')).toEqual([{ person_id: 'person_b' }]);
    expect(journey.person?.name_masked).toBe('王*国');
    expect(wrapper.findAll('[data-testid="person-row"]')[0]!.attributes('data-current')).toBe(
      'true',
    );
  });

  it('should sign a payer out only after confirming, naming who', async () => {
    const backend = installFakeBackend({ remembered_people: () => [ma], sign_out: () => null });

    const { wrapper } = await renderApp('/people');
    await wrapper.get('[data-testid="person-sign-out"]').trigger('click');
    await flushPromises();
    expect(document.querySelector('.van-dialog')?.textContent).toContain('马*燕');
    expect(backend.callsTo('sign_out')).toHaveLength(0);
    (document.querySelector('.van-dialog__confirm') as HTMLElement).click();
    await flushPromises();

    expect(backend.callsTo('sign_out')).toEqual([{ person_id: 'person_a' }]);
  });
});
