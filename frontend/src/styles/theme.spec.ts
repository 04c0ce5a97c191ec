import { hex } from 'wcag-contrast';
import { describe, expect, it } from 'vitest';

import {
  cssVariable,
  palettes,
  resolveTheme,
  themeVars,
  themeVarsDark,
  themeVarsLight,
  type Palette,
  type ThemeMode,
} from './theme';

/** WCAG 2 AA for normal-size text. */
const AA = 4.5;

/** Every text colour of the palettes on every background the screens put it on. */
const textOn: [keyof Palette, (keyof Palette)[]][] = [
  ['text', ['page', 'card', 'fill']],
  ['text2', ['page', 'card', 'fill']],
  ['text3', ['page', 'card']],
  ['primary', ['page', 'card', 'primarySoft']],
  ['onPrimary', ['primaryFill', 'primaryDeep', 'primaryFillEnd']],
  ['successText', ['card', 'successSoft']],
  ['warningText', ['card', 'warningSoft', 'warningSoft2']],
  ['dangerText', ['card', 'dangerSoft']],
];

describe.each(['light', 'dark'] as ThemeMode[])('the %s palette', (mode) => {
  const palette = palettes[mode];

  it.each(textOn)('should give %s at least AA contrast on its backgrounds', (text, backgrounds) => {
    for (const background of backgrounds) {
      const ratio = hex(palette[text], palette[background]);
      expect(ratio, `${text} on ${background}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(AA);
    }
  });
});

describe('theme choice', () => {
  it('should follow the system unless a theme is chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme(undefined, true)).toBe('dark');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('should name the CSS variables the stylesheets use', () => {
    expect(cssVariable('text3')).toBe('--shebao-text-3');
    expect(cssVariable('primaryFillEnd')).toBe('--shebao-primary-fill-end');
    expect(cssVariable('warningSoft2')).toBe('--shebao-warning-soft-2');
  });

  it('should define every --shebao colour variable the app uses', () => {
    const sources = import.meta.glob('../**/*.{vue,css}', {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    const defined = new Set([
      ...(Object.keys(palettes.light) as (keyof Palette)[]).map(cssVariable),
      '--shebao-font',
      '--shebao-radius',
      '--shebao-column',
    ]);
    const used = new Set(
      Object.values(sources).flatMap((text) => String(text).match(/--shebao-[a-z0-9-]+/g) ?? []),
    );
    expect([...used].filter((name) => !defined.has(name))).toEqual([]);
  });
});

describe("Vant's colours", () => {
  it.each([
    ['light', themeVars, themeVarsLight],
    ['dark', themeVars, themeVarsDark],
  ] as const)('should read at AA in the %s theme', (mode, base, own) => {
    const vars = { ...base, ...own };
    const palette = palettes[mode as ThemeMode];
    const pairs: [string, string, string][] = [
      ['primary on card', String(vars.primaryColor), palette.card],
      [
        'primary button text',
        String(vars.buttonPrimaryColor ?? '#ffffff'),
        String(vars.primaryColor),
      ],
      ['hint text on card', String(vars.textColor2), palette.card],
      ['danger on card', String(vars.dangerColor), palette.card],
      ['notice bar', String(vars.noticeBarTextColor), String(vars.noticeBarBackground)],
    ];
    for (const [what, text, background] of pairs) {
      expect(hex(text, background), what).toBeGreaterThanOrEqual(AA);
    }
  });
});
