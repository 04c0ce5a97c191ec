/**
 * The current journey (who is paying, what was declared, the payment in progress), held in
 * memory only: nothing here is written to localStorage, sessionStorage or IndexedDB.
 */

import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { AppInfo, Declaration, PaymentOrder, PaymentStarted, Person } from '../types';

export const useJourneyStore = defineStore('journey', () => {
  const appInfo = ref<AppInfo | null>(null);
  const person = ref<Person | null>(null);
  const declaration = ref<Declaration | null>(null);
  const payment = ref<PaymentStarted | null>(null);
  const paidOrder = ref<PaymentOrder | null>(null);

  function identityConfirmed(confirmed: Person) {
    person.value = confirmed;
    declaration.value = null;
    payment.value = null;
    paidOrder.value = null;
  }

  function declared(filed: Declaration) {
    declaration.value = filed;
    payment.value = null;
    paidOrder.value = null;
  }

  function paymentStarted(started: PaymentStarted) {
    payment.value = started;
  }

  function paid(order: PaymentOrder) {
    paidOrder.value = order;
    payment.value = null;
  }

  /** A ticket voided (缴款异常处理): the payment shown for it is over. */
  function ticketVoided(order: PaymentOrder) {
    if (payment.value?.order.id === order.id) {
      payment.value = null;
    }
  }

  /** The person was registered (参保登记): the payables screen stops saying they are not. */
  function registered() {
    if (person.value) person.value = { ...person.value, insured: true };
  }

  return {
    appInfo,
    person,
    declaration,
    payment,
    paidOrder,
    identityConfirmed,
    declared,
    paymentStarted,
    paid,
    ticketVoided,
    registered,
  };
});
