/** The payment channels the app offers, and how a payment is handed to one. */

import type { Channel } from '../../types';

/** Every channel of the seed guide, in its order (银联, 支付宝, 微信, 云闪付, 我的宁夏). */
export const CHANNELS: readonly Channel[] = [
  'unionpay',
  'alipay',
  'wechatpay',
  'quickpass',
  'ningxia_wallet',
];

/**
 * Channels whose cashier also shows funding sources they refuse for social-security fees
 * (花呗, 余额宝, 微信零钱): the pay screen names them before the person commits.
 */
export const REFUSES_SOURCES: ReadonlySet<Channel> = new Set<Channel>([
  'alipay',
  'wechatpay',
  'ningxia_wallet',
]);

/**
 * A phone (or tablet): a QR on its own screen can't be scanned by itself, so the payment is
 * handed to the channel's app by its link and the QR is kept for another device. A desktop
 * shows the QR to scan with the phone. A narrow desktop window is still a desktop.
 */
export function isPhone(userAgent: string = navigator.userAgent): boolean {
  return /Android|iPhone|iPad|iPod|HarmonyOS|Mobile/i.test(userAgent);
}
