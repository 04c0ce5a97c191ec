/** vue-i18n set-up: Chinese by default, English available; error texts by stable code. */

import { createI18n } from 'vue-i18n';

import type { AppError, AppErrorCode, IdTypeInfo } from '../types';
import en, { idTypeNamesEn } from './en';
import zhCN, { type Messages } from './zh-CN';

export type Locale = 'zh-CN' | 'en';

// Every code a command can reject with has its own text, plus a fallback for codes this build
// does not know; the assignment fails to compile when a code is added without a text.
const errorTexts: Record<AppErrorCode | 'unknown', string> = zhCN.errors;

export function createAppI18n(locale: Locale = 'zh-CN') {
  return createI18n<[Messages], Locale>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
  });
}

export function isKnownErrorCode(code: string): code is AppErrorCode {
  return Object.prototype.hasOwnProperty.call(errorTexts, code) && code !== 'unknown';
}

type Translate = (key: string, named?: Record<string, unknown>) => string;

/** A document type's name in `locale`: the core's Chinese name, or its English name. */
export function idTypeName(info: IdTypeInfo, locale: string): string {
  return locale === 'en' ? idTypeNamesEn[info.id_type] : info.display_name_zh;
}

/** The translated text for a failed command: its code's own text, or the fallback. */
export function errorText(t: Translate, error: AppError): string {
  return isKnownErrorCode(error.code)
    ? t(`errors.${error.code}`)
    : t('errors.unknown', { code: error.code });
}
