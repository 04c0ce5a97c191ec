import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { PullRefresh } from 'vant';
import { describe, expect, it } from 'vitest';

import {
  installFakeBackend,
  oneMonthDue,
  pensionJune,
  person,
} from '../../test-support/fake-backend';
import { renderApp } from '../../test-support/render';
import type { Declaration, DeclarationStatus } from '../../types';

const declared: Declaration = {
  id: 'dec_01',
  status: 'declared',
  total: '991.00',
  lines: [pensionJune],
  declared_at: '2025-06-15T02:00:00Z',
};

const voided: Declaration = {
  ...declared,
  id: 'dec_00',
  status: 'voided',
  voided_at: '2025-06-15T03:00:00Z',
  void_reason: '缴费基数需要调整',
};

const confirmed = (journey: { identityConfirmed: (p: typeof person) => void }) =>
  journey.identityConfirmed(person);

/** Answers list_declarations from a table by status. */
function byStatus(table: Partial<Record<DeclarationStatus, Declaration[]>>) {
  return (request: Record<string, unknown> | undefined) => ({
    items: table[request?.status as DeclarationStatus] ?? [],
  });
}

function inBody(testId: string): HTMLElement | null {
  return document.querySelector(`[data-testid="${testId}"]`);
}

async function click(element: Element | null) {
  (element as HTMLElement).click();
  await flushPromises();
}

async function typeReason(text: string) {
  const input = document.querySelector(
    '[data-testid="void-reason-input"] textarea',
  ) as HTMLTextAreaElement;
  input.value = text;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}

async function showTab(wrapper: VueWrapper, status: DeclarationStatus) {
  await wrapper.get(`.status-tab--${status}`).trigger('click');
  await flushPromises();
}

describe('申报查询及作废', () => {
  it('should list declarations by status, with their details, and say when a status has none', async () => {
    const backend = installFakeBackend({
      list_declarations: byStatus({ declared: [declared], voided: [voided] }),
    });
    const { wrapper } = await renderApp('/declarations', confirmed);

    const row = wrapper.get('[data-testid="declaration"]');
    expect(row.attributes('data-id')).toBe('dec_01');
    expect(row.get('[data-testid="declaration-total"]').text()).toBe('991.00');
    expect(row.get('[data-testid="declaration-period"]').text()).toBe('2025-06 至 2025-06');
    await row.get('[data-testid="declaration-detail-toggle"]').trigger('click');
    const lines = row.get('[data-testid="declaration-lines"]').text();
    expect(lines).toContain('企业职工基本养老保险费');
    expect(lines).toContain('4955.00');

    await showTab(wrapper, 'paid');
    expect(wrapper.get('[data-testid="declarations-empty"]').text()).toContain('没有已缴款的申报');

    await showTab(wrapper, 'voided');
    expect(wrapper.get('[data-testid="declaration-void-reason"]').text()).toBe('缴费基数需要调整');
    expect(wrapper.find('[data-testid="void-declaration"]').exists()).toBe(false);
    expect(backend.callsTo('list_declarations')).toEqual([
      { status: 'declared' },
      { status: 'paid' },
      { status: 'voided' },
    ]);
  });

  it('should ask again when pulled down to refresh', async () => {
    let answers = 0;
    installFakeBackend({
      list_declarations: () => {
        answers += 1;
        return { items: answers === 1 ? [] : [declared] };
      },
    });
    const { wrapper } = await renderApp('/declarations', confirmed);
    expect(wrapper.find('[data-testid="declarations-empty"]').exists()).toBe(true);

    // The pull gesture itself is Vant's; jsdom has no touch layout, so the refresh it emits.
    const pull = wrapper.getComponent(PullRefresh);
    pull.vm.$emit('update:modelValue', true);
    pull.vm.$emit('refresh');
    await flushPromises();

    expect(answers).toBe(2);
    expect(wrapper.get('[data-testid="declaration"]').attributes('data-id')).toBe('dec_01');
    expect(pull.props('modelValue')).toBe(false);
  });

  it('should void with a reason after a confirmation stating that the items become payable again', async () => {
    const backend = installFakeBackend({
      list_declarations: byStatus({ declared: [declared] }),
      void_declaration: (request) => ({
        ...declared,
        status: 'voided',
        voided_at: '2025-06-15T03:00:00Z',
        void_reason: request?.reason,
      }),
      list_payables: () => oneMonthDue,
    });
    const { wrapper, router } = await renderApp('/declarations', confirmed);

    await wrapper.get('[data-testid="void-declaration"]').trigger('click');
    await flushPromises();
    await click(inBody('void-next'));
    expect(inBody('void-sheet')?.textContent).toContain('请填写作废原因');

    await click(inBody('reason-preset-otherChannel'));
    await typeReason('  改用其他渠道缴费  ');
    await click(inBody('void-next'));
    const consequence = inBody('void-declaration-consequence')?.textContent ?? '';
    expect(inBody('void-declaration-dialog')?.textContent).toContain('您确定要作废此申报吗？');
    expect(consequence).toContain('991.00 元');
    expect(consequence).toContain('回到待缴费用');
    expect(consequence).toContain('改用其他渠道缴费');
    expect(backend.callsTo('void_declaration')).toHaveLength(0);

    await click(
      document.querySelector('[data-testid="void-declaration-dialog"] .van-dialog__confirm'),
    );

    expect(backend.callsTo('void_declaration')).toEqual([
      { declaration_id: 'dec_01', reason: '改用其他渠道缴费' },
    ]);
    expect(wrapper.get('[data-testid="void-result"]').text()).toContain('已回到待缴费用');
    expect(wrapper.find('[data-testid="declaration"]').exists()).toBe(false);
    await wrapper.get('[data-testid="to-payables"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('payables');
  });

  it('should not void a declaration whose payment is unfinished, and lead to 缴款异常处理', async () => {
    installFakeBackend({
      list_declarations: byStatus({ declared: [{ ...declared, open_order_id: 'ord_01' }] }),
      list_payment_exceptions: () => ({ items: [] }),
    });
    const { wrapper, router } = await renderApp('/declarations', confirmed);

    expect(wrapper.find('[data-testid="void-declaration"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="declaration-open-order"]').text()).toContain('作废它的税票');
    await wrapper.get('[data-testid="open-exceptions"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('exceptions');
  });

  it("should show a refusal in this screen's words and keep the reason", async () => {
    installFakeBackend({
      list_declarations: byStatus({ declared: [declared] }),
      void_declaration: () => {
        throw { code: 'payment_in_progress', message: 'an order is open' };
      },
    });
    const { wrapper } = await renderApp('/declarations', confirmed);

    await wrapper.get('[data-testid="void-declaration"]').trigger('click');
    await flushPromises();
    await typeReason('暂不缴费');
    await click(inBody('void-next'));
    await click(
      document.querySelector('[data-testid="void-declaration-dialog"] .van-dialog__confirm'),
    );

    expect(inBody('void-error')?.textContent).toContain('请先在“缴款异常处理”中作废它的税票');
    expect(
      (document.querySelector('[data-testid="void-reason-input"] textarea') as HTMLTextAreaElement)
        .value,
    ).toBe('暂不缴费');
  });
});
