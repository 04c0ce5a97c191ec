/** Screens and their paths (hash history in the app, memory history in tests). */

import { createRouter, type RouteRecordRaw, type RouterHistory } from 'vue-router';

import CertificateScreen from './screens/gallery/CertificateScreen.vue';
import GalleryScreen from './screens/gallery/GalleryScreen.vue';
import HomeScreen from './screens/home/HomeScreen.vue';
import AssessmentScreen from './screens/assessment/AssessmentScreen.vue';
import InsuredScreen from './screens/insured/InsuredScreen.vue';
import IdentityScreen from './screens/identity/IdentityScreen.vue';
import PaidScreen from './screens/paid/PaidScreen.vue';
import PayScreen from './screens/pay/PayScreen.vue';
import PayablesScreen from './screens/payables/PayablesScreen.vue';
import PeopleScreen from './screens/people/PeopleScreen.vue';
import SettingsScreen from './screens/settings/SettingsScreen.vue';
import VerifyScreen from './screens/verify/VerifyScreen.vue';
// Exception handling and the declaration query.
import DeclarationsScreen from './screens/declarations/DeclarationsScreen.vue';
import ExceptionsScreen from './screens/exceptions/ExceptionsScreen.vue';
import FiguresScreen from './screens/figures/FiguresScreen.vue';
// 缴费查询及证明开具 and 缴费记录.
import HistoryScreen from './screens/history/HistoryScreen.vue';
import PaymentsScreen from './screens/payments/PaymentsScreen.vue';
import { useJourneyStore } from './stores/journey';
// The natural-person account and 完税查询及证明补打.
import AccountScreen from './screens/account/AccountScreen.vue';
import RegisterAccountScreen from './screens/account/RegisterAccountScreen.vue';
import TaxCertificatesScreen from './screens/tax/TaxCertificatesScreen.vue';

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeScreen },
  { path: '/identity', name: 'identity', component: IdentityScreen },
  {
    path: '/payables',
    name: 'payables',
    component: PayablesScreen,
    // The list belongs to a confirmed person; without one there is nothing to show.
    beforeEnter: () => (useJourneyStore().person ? true : { name: 'identity' }),
  },
  { path: '/pay/:declarationId', name: 'pay', component: PayScreen, props: true },
  { path: '/paid/:orderId', name: 'paid', component: PaidScreen, props: true },
  { path: '/certificates', name: 'gallery', component: GalleryScreen },
  { path: '/certificates/:number', name: 'certificate', component: CertificateScreen, props: true },
  { path: '/verify', name: 'verify', component: VerifyScreen },
  { path: '/settings', name: 'settings', component: SettingsScreen },
  { path: '/people', name: 'people', component: PeopleScreen },
  // 缴款异常处理 and 申报查询及作废: the commands answer identity_token_invalid without a person.
  { path: '/exceptions', name: 'exceptions', component: ExceptionsScreen },
  { path: '/declarations', name: 'declarations', component: DeclarationsScreen },
  // The steps before payment: both belong to a confirmed person, who comes back after confirming.
  {
    path: '/insured',
    name: 'insured',
    component: InsuredScreen,
    beforeEnter: () =>
      useJourneyStore().person ? true : { name: 'identity', query: { next: 'insured' } },
  },
  {
    path: '/assessment',
    name: 'assessment',
    component: AssessmentScreen,
    beforeEnter: () =>
      useJourneyStore().person ? true : { name: 'identity', query: { next: 'assessment' } },
  },
  // 关于缴费标准: the policy table behind the figures, from 设置.
  { path: '/figures', name: 'figures', component: FiguresScreen },
  // 完税查询及证明补打 and the account ask for a login themselves; registering needs a confirmed
  // person, who comes back here after confirming.
  { path: '/tax-certificates', name: 'taxCertificates', component: TaxCertificatesScreen },
  { path: '/account', name: 'account', component: AccountScreen },
  {
    path: '/account/register',
    name: 'registerAccount',
    component: RegisterAccountScreen,
    beforeEnter: () =>
      useJourneyStore().person ? true : { name: 'identity', query: { next: 'registerAccount' } },
  },
  // 缴费查询及证明开具 and 缴费记录 belong to a confirmed person, who comes back after confirming.
  {
    path: '/payments',
    name: 'payments',
    component: PaymentsScreen,
    beforeEnter: () =>
      useJourneyStore().person ? true : { name: 'identity', query: { next: 'payments' } },
  },
  {
    path: '/history',
    name: 'history',
    component: HistoryScreen,
    beforeEnter: () =>
      useJourneyStore().person ? true : { name: 'identity', query: { next: 'history' } },
  },
  { path: '/:unknown(.*)*', redirect: { name: 'home' } },
];

export function createAppRouter(history: RouterHistory) {
  return createRouter({
    history,
    routes,
    scrollBehavior: () => ({ top: 0 }),
  });
}
