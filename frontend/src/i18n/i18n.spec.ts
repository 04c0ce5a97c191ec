import { describe, expect, it } from 'vitest';

import { ERROR_CODES } from '../generated/error-codes';
import { documentTypes } from '../test-support/fake-backend';
import en, { idTypeNamesEn } from './en';
import { createAppI18n, errorText, idTypeName } from './index';
import zhCN from './zh-CN';

const rustSources = import.meta.glob('../../../crates/shebao-core/src/error.rs', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const idSources = import.meta.glob('../../../crates/shebao-core/src/id.rs', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const appCodes = [
  ...ERROR_CODES,
  'network',
  'keyring_unavailable',
  'open_failed',
  'certificate_invalid',
  'render_failed',
  'save_failed',
];
const idRefusals = [
  'id_length',
  'id_characters',
  'id_region',
  'id_birth_date',
  'id_check_digit',
  'id_legacy_15',
  'name_invalid',
];

describe('error texts', () => {
  it('should have a Chinese and an English text for every code, ID refusals included', () => {
    for (const code of [...appCodes, ...idRefusals]) {
      expect(zhCN.errors, code).toHaveProperty(code);
      expect(en.errors, code).toHaveProperty(code);
    }
  });

  it('should translate a code to what happened and what to do, in Chinese first', () => {
    const { t } = createAppI18n().global;

    expect(errorText(t, { code: 'captcha_invalid', message: '' })).toBe(
      '验证码不正确或已过期，请看清新验证码后重新输入',
    );
    expect(errorText(t, { code: 'payment_in_progress', message: '' })).toBe(
      '这笔费用已有一笔缴款正在处理中，请勿重复缴款',
    );
  });

  it('should fall back to a generic text that names an unknown code', () => {
    const { t } = createAppI18n().global;

    const text = errorText(t, { code: 'brand_new_code', message: 'ignored' });

    expect(text).toContain('brand_new_code');
    expect(text).toContain('12366');
  });

  it("should list exactly the codes of shebao-core's ErrorCode enum", () => {
    const [source] = Object.values(rustSources) as string[];
    expect(source, 'crates/shebao-core/src/error.rs is readable').toBeTypeOf('string');

    const codes = [...(source ?? '').matchAll(/Self::\w+ => "([a-z0-9_]+)"/g)].map((m) => m[1]);

    expect([...ERROR_CODES]).toEqual(codes);
  });
});

describe('document type names', () => {
  const [source] = Object.values(idSources) as string[];
  // `IdType::as_str` and `IdType::display_name_zh` are the only arms of the form
  // `Self::Variant => "text"` in id.rs: wire names are lower-case ASCII, names are Chinese.
  const arms = [...(source ?? '').matchAll(/Self::(\w+) => "([^"]+)"/g)];
  const wire = arms.filter((m) => /^[a-z_0-9]+$/.test(m[2] ?? '')).map((m) => m[2]);
  const chinese = arms.filter((m) => !/^[a-z_0-9]+$/.test(m[2] ?? '')).map((m) => m[2]);

  it("should mirror the core's types in the fake id_types answer and the English names", () => {
    expect(wire).toHaveLength(6);
    expect(documentTypes.map((info) => info.id_type)).toEqual(wire);
    expect(documentTypes.map((info) => info.display_name_zh)).toEqual(chinese);
    expect(Object.keys(idTypeNamesEn).sort()).toEqual([...wire].sort());
  });

  it("should show the core's Chinese name in Chinese and the English name in English", () => {
    const permit = {
      id_type: 'residence_permit_hmt',
      display_name_zh: '港澳台居民居住证',
    } as const;

    expect(idTypeName(permit, 'zh-CN')).toBe('港澳台居民居住证');
    expect(idTypeName(permit, 'en')).toBe(
      'Residence permit for Hong Kong, Macao and Taiwan residents',
    );
  });
});
