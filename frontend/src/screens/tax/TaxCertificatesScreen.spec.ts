import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { deferred, installFakeBackend } from '../../test-support/fake-backend';
import { elapse, renderApp } from '../../test-support/render';
import type {
  AccountStatus,
  IssuedCertificate,
  TaxPayment,
  TaxPaymentCertificate,
  TaxPaymentsView,
} from '../../types';

/** Payment dates follow the real clock: the screen starts at this year in China. */
const THIS_YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();

const loggedIn: AccountStatus = {
  logged_in: true,
  id_type: 'resident_id_card',
  id_number_masked: '640104********0022',
  expires_at: '2025-06-15T10:30:00+08:00',
};

const june: TaxPayment = {
  order_id: 'ord_june',
  ticket_number: '364016250600000001',
  period_start: '2025-06',
  period_end: '2025-06',
  lines: [],
  amount: '991.00',
  paid_at: '2025-06-15T10:00:00+08:00',
  paid_on: '2025-06-15',
  tax_office: '国家税务总局银川市税务局（演示）',
};

const may: TaxPayment = {
  ...june,
  order_id: 'ord_may',
  ticket_number: '364016250500000001',
  period_start: '2025-05',
  period_end: '2025-05',
  paid_on: '2025-05-20',
  certificate_number: '20250000000007',
};

const certificate: TaxPaymentCertificate = {
  kind: 'tax_payment',
  number: '20250000000009',
  order_ids: ['ord_june', 'ord_may'],
  name_masked: '马*燕',
  id_number_masked: '640104********0022',
  id_type: 'resident_id_card',
  lines: [],
  total: '1982.00',
  issued_on: '2025-06-15',
  tax_office: '国家税务总局银川市税务局（演示）',
  qr_text: 'http://127.0.0.1:8080/C/EXAMPLE',
  status: 'valid',
};

const issued: IssuedCertificate = {
  certificate,
  path: '/home/u/Pictures/社保缴费助手/完税证明_2025-05至2025-06_20250000000009.png',
  file_name: '完税证明_2025-05至2025-06_20250000000009.png',
  pages: ['/home/u/Pictures/社保缴费助手/完税证明_2025-05至2025-06_20250000000009.png'],
  image: 'data:image/png;base64,iVBORw0KGgo=',
};

function listing(view: Partial<TaxPaymentsView>) {
  return () => ({ items: [], certificates: [], ...view });
}

function inBody(testId: string): HTMLElement | null {
  return document.querySelector(`[data-testid="${testId}"]`);
}

async function typeInto(testId: string, text: string) {
  const input = document.querySelector(`[data-testid="${testId}"]`) as HTMLInputElement;
  input.value = text;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}

describe('完税查询及证明补打', () => {
  it('should ask for a personal tax login first and list the year after it', async () => {
    const backend = installFakeBackend({
      account_status: () => ({ logged_in: false }),
      log_in: () => loggedIn,
      list_tax_payments: listing({ items: [june] }),
    });
    const { wrapper } = await renderApp('/tax-certificates');

    expect(wrapper.find('[data-testid="login-form"]').exists()).toBe(true);
    expect(backend.callsTo('list_tax_payments')).toHaveLength(0);
    await typeInto('login-id-number', '640104199003150022');
    await typeInto('login-password', 'Shebao-2025');
    await elapse(350);
    await wrapper.get('[data-testid="login-form"] form').trigger('submit');
    await flushPromises();

    expect(backend.callsTo('log_in')).toEqual([
      { id_type: 'resident_id_card', id_number: '640104199003150022', password: 'Shebao-2025' },
    ]);
    expect(wrapper.get('[data-testid="tax-logged-in"]').text()).toContain('640104********0022');
    expect(backend.callsTo('list_tax_payments')).toEqual([{ year: THIS_YEAR }]);
    expect(wrapper.findAll('[data-testid="tax-payment"]')).toHaveLength(1);
    // The password is not kept in the form after the try.
    expect((inBody('login-password') as HTMLInputElement | null)?.value ?? '').toBe('');
  });

  it('should say what a refused login means', async () => {
    installFakeBackend({
      account_status: () => ({ logged_in: false }),
      log_in: () => {
        throw { code: 'account_locked', message: 'locked' };
      },
    });
    const { wrapper } = await renderApp('/tax-certificates');
    await typeInto('login-id-number', '640104199003150022');
    await typeInto('login-password', 'wrong-one-1');
    await wrapper.get('[data-testid="login-form"] form').trigger('submit');
    await flushPromises();

    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('账户已暂时锁定');
  });

  it('should show an empty year and load another year from the picker', async () => {
    const backend = installFakeBackend({
      account_status: () => loggedIn,
      list_tax_payments: (request) =>
        request?.year === THIS_YEAR - 1
          ? { items: [june], certificates: [] }
          : { items: [], certificates: [] },
    });
    const { wrapper } = await renderApp('/tax-certificates');

    expect(wrapper.get('[data-testid="tax-empty"]').text()).toContain(
      `${THIS_YEAR} 年没有已缴款的社保费`,
    );
    await wrapper.get('[data-testid="tax-year"]').trigger('click');
    await flushPromises();
    const columns = document.querySelectorAll('.van-picker-column__item');
    (columns[1] as HTMLElement).click();
    await elapse(50);
    (document.querySelector('.van-picker__confirm') as HTMLElement).click();
    await flushPromises();

    expect(backend.callsTo('list_tax_payments')).toEqual([
      { year: THIS_YEAR },
      { year: THIS_YEAR - 1 },
    ]);
    expect(wrapper.findAll('[data-testid="tax-payment"]')).toHaveLength(1);
  });

  it('should mark each payment with the state of its certificate and list the saved ones', async () => {
    installFakeBackend({
      account_status: () => loggedIn,
      list_tax_payments: listing({
        items: [june, may],
        certificates: [
          {
            number: '20250000000007',
            status: 'valid',
            order_ids: ['ord_may'],
            total: '991.00',
            issued_on: '2025-06-01',
          },
          {
            number: '20250000000003',
            status: 'superseded',
            order_ids: ['ord_june'],
            total: '991.00',
            issued_on: '2025-05-30',
          },
          {
            number: '20250000000001',
            status: 'refunded',
            order_ids: ['ord_april'],
            total: '991.00',
            issued_on: '2025-05-01',
          },
        ],
      }),
    });
    const { wrapper } = await renderApp('/tax-certificates');

    const rows = wrapper.findAll('[data-testid="tax-payment"]');
    expect(rows.map((row) => row.attributes('data-certificate'))).toEqual(['superseded', 'valid']);
    expect(rows[1]?.text()).toContain('20250000000007');
    const saved = wrapper.findAll('[data-testid="tax-issued-certificate"]');
    expect(saved.map((row) => row.text())).toEqual([
      expect.stringContaining('有效'),
      expect.stringContaining('已被替换'),
      expect.stringContaining('已退款'),
    ]);
  });

  it('should warn that the new certificate replaces the valid one, then show the saved image', async () => {
    const issuing = deferred<IssuedCertificate>();
    const backend = installFakeBackend({
      account_status: () => loggedIn,
      list_tax_payments: listing({ items: [june, may] }),
      issue_tax_certificate: () => issuing.promise,
    });
    const { wrapper } = await renderApp('/tax-certificates');
    const issue = wrapper.get('[data-testid="issue-tax-certificate"]');
    expect(issue.attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="select-ord_june"]').trigger('click');
    await wrapper.get('[data-testid="select-ord_may"]').trigger('click');
    expect(wrapper.get('[data-testid="tax-selected-count"]').text()).toBe('已选 2 笔');
    await issue.trigger('click');
    await flushPromises();

    expect(inBody('tax-confirm-supersede')?.textContent).toContain('20250000000007');
    expect(inBody('tax-confirm-supersede')?.textContent).toContain('将被替换');
    (
      document.querySelector('[data-testid="tax-confirm"] .van-dialog__confirm') as HTMLElement
    ).click();
    await flushPromises();
    expect(backend.callsTo('issue_tax_certificate')).toEqual([
      { order_ids: ['ord_june', 'ord_may'] },
    ]);

    issuing.resolve(issued);
    await flushPromises();
    const shown = wrapper.get('[data-testid="tax-certificate"]');
    expect(shown.attributes('data-number')).toBe('20250000000009');
    expect(wrapper.get('[data-testid="tax-certificate-path"]').text()).toContain(
      '完税证明_2025-05至2025-06_20250000000009.png',
    );
    expect(wrapper.find('[data-testid="certificate-actions"]').exists()).toBe(true);
  });

  it('should say a reprint when the selection is exactly a valid certificate', async () => {
    installFakeBackend({
      account_status: () => loggedIn,
      list_tax_payments: listing({
        items: [may],
        certificates: [
          {
            number: '20250000000007',
            status: 'valid',
            order_ids: ['ord_may'],
            total: '991.00',
            issued_on: '2025-06-01',
          },
        ],
      }),
    });
    const { wrapper } = await renderApp('/tax-certificates');
    await wrapper.get('[data-testid="select-ord_may"]').trigger('click');
    await wrapper.get('[data-testid="issue-tax-certificate"]').trigger('click');
    await flushPromises();

    expect(inBody('tax-confirm-reprint')?.textContent).toContain('补打同一张证明');
    expect(inBody('tax-confirm-supersede')).toBeNull();
  });

  it('should explain a refused selection and go back to the login when the session ended', async () => {
    let refusal = 'certificate_not_available';
    installFakeBackend({
      account_status: () => loggedIn,
      list_tax_payments: listing({ items: [june] }),
      issue_tax_certificate: () => {
        throw { code: refusal, message: '' };
      },
    });
    const { wrapper } = await renderApp('/tax-certificates');
    const issueOnce = async () => {
      await wrapper.get('[data-testid="select-ord_june"]').trigger('click');
      await wrapper.get('[data-testid="issue-tax-certificate"]').trigger('click');
      await flushPromises();
      (
        document.querySelector('[data-testid="tax-confirm"] .van-dialog__confirm') as HTMLElement
      ).click();
      await flushPromises();
    };

    await issueOnce();
    expect(wrapper.get('[data-testid="tax-issue-error"]').text()).toContain('不能开具完税证明');

    refusal = 'session_invalid';
    await wrapper.get('[data-testid="issue-tax-certificate"]').trigger('click');
    await flushPromises();
    (
      document.querySelector('[data-testid="tax-confirm"] .van-dialog__confirm') as HTMLElement
    ).click();
    await flushPromises();
    expect(wrapper.find('[data-testid="login-form"]').exists()).toBe(true);
  });

  it('should show a failed lookup with a retry', async () => {
    let fail = true;
    installFakeBackend({
      account_status: () => loggedIn,
      list_tax_payments: () => {
        if (fail) throw { code: 'network', message: 'down' };
        return { items: [june], certificates: [] };
      },
    });
    const { wrapper } = await renderApp('/tax-certificates');
    expect(wrapper.get('[data-testid="tax-error"]').text()).toContain('网络连接失败');

    fail = false;
    await wrapper.get('[data-testid="tax-retry"]').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid="tax-payment"]')).toHaveLength(1);
  });

  it('should be on the home screen under the guide name', async () => {
    const { wrapper, router } = await (async () => {
      installFakeBackend({ account_status: () => ({ logged_in: false }) });
      return renderApp('/');
    })();
    const entry = wrapper.get('[data-testid="open-taxCertificates"]');
    expect(entry.text()).toContain('完税查询及证明补打');
    await entry.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('taxCertificates');
  });
});
