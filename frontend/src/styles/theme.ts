/**
 * The app's colours in the light and the dark theme, and Vant's theme variables: a calm
 * public-service blue with generous, readable sizes. The palettes are the one source of the
 * `--shebao-*` CSS variables (applied to the document by {@link applyPalette}); theme.spec.ts
 * checks every text / background pair they are used in against WCAG AA.
 */

import type { ConfigProviderThemeVars } from 'vant';

/** The user's choice in 设置: follow the system, or one theme always. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type ThemeMode = 'light' | 'dark';

export interface Palette {
  /** Around the app column on a wide window. */
  backdrop: string;
  page: string;
  card: string;
  /** A quiet fill inside a card (inputs, code boxes, pressed rows). */
  fill: string;
  border: string;
  text: string;
  text2: string;
  text3: string;
  /** Links, icons and accents on a card or the page. */
  primary: string;
  /** Buttons and headers filled with the brand colour; `onPrimary` text on them. */
  primaryFill: string;
  primaryDeep: string;
  primaryFillEnd: string;
  primarySoft: string;
  primaryBorder: string;
  onPrimary: string;
  successText: string;
  successSoft: string;
  warningText: string;
  warningSoft: string;
  warningSoft2: string;
  warningBorder: string;
  dangerText: string;
  dangerSoft: string;
  dangerBorder: string;
}

export const palettes: Record<ThemeMode, Palette> = {
  light: {
    backdrop: '#e6eaf0',
    page: '#f3f5f8',
    card: '#ffffff',
    fill: '#f5f6f8',
    border: '#e5e8ef',
    text: '#1f2329',
    text2: '#4e5969',
    text3: '#636b77',
    primary: '#1a68cc',
    primaryFill: '#1b6fd8',
    primaryDeep: '#1556ad',
    primaryFillEnd: '#1f6bd0',
    primarySoft: '#eaf2fd',
    primaryBorder: '#d6e5fa',
    onPrimary: '#ffffff',
    successText: '#1d7a46',
    successSoft: '#f0f9f3',
    warningText: '#8a5300',
    warningSoft: '#fff4d6',
    warningSoft2: '#ffecbf',
    warningBorder: '#f5c26b',
    dangerText: '#b42318',
    dangerSoft: '#fff2f0',
    dangerBorder: '#f7c6c2',
  },
  dark: {
    backdrop: '#08090b',
    page: '#111316',
    card: '#1c1f24',
    fill: '#262a31',
    border: '#343942',
    text: '#e8eaed',
    text2: '#bcc3cc',
    text3: '#9ba4af',
    primary: '#73aeff',
    primaryFill: '#1b6fd8',
    primaryDeep: '#12468a',
    primaryFillEnd: '#1b63c2',
    primarySoft: '#1a2b42',
    primaryBorder: '#2a4366',
    onPrimary: '#ffffff',
    successText: '#5fd08f',
    successSoft: '#15291e',
    warningText: '#f3bd5c',
    warningSoft: '#2d2412',
    warningSoft2: '#332914',
    warningBorder: '#6b5224',
    dangerText: '#ff8a80',
    dangerSoft: '#33191a',
    dangerBorder: '#6e2c2a',
  },
};

/** `primaryFillEnd` → `--shebao-primary-fill-end`. */
export function cssVariable(token: keyof Palette): string {
  return `--shebao-${token.replace(/[A-Z0-9]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** Puts a palette's colours on the document as `--shebao-*` variables. */
export function applyPalette(mode: ThemeMode, root: HTMLElement = document.documentElement) {
  const palette = palettes[mode];
  for (const token of Object.keys(palette) as (keyof Palette)[]) {
    root.style.setProperty(cssVariable(token), palette[token]);
  }
  root.style.colorScheme = mode;
}

/** The theme a choice gives, with the system's preference for `system`. */
export function resolveTheme(choice: ThemeChoice | undefined, systemDark: boolean): ThemeMode {
  if (choice === 'light' || choice === 'dark') return choice;
  return systemDark ? 'dark' : 'light';
}

/** Vant's variables in both themes (on top of Vant's own dark defaults in the dark one). */
export const themeVars: ConfigProviderThemeVars = {
  primaryColor: '#1b6fd8',
  successColor: '#17a34a',
  warningColor: '#e8890c',
  dangerColor: '#d93026',
  buttonRadius: '8px',
  buttonLargeHeight: '48px',
  buttonNormalFontSize: '15px',
  cellFontSize: '15px',
  cellLineHeight: '24px',
  cellVerticalPadding: '12px',
  fieldLabelWidth: '5.2em',
  navBarTitleFontSize: '17px',
  navBarIconColor: '#1f2329',
  navBarTextColor: '#1f2329',
  stepsBackground: 'transparent',
};

/** Vant's grey hint text is too faint for AA on white; the app's own third text colour is not. */
export const themeVarsLight: ConfigProviderThemeVars = {
  textColor2: palettes.light.text3,
  textColor3: palettes.light.text3,
  noticeBarBackground: palettes.light.warningSoft,
  noticeBarTextColor: palettes.light.warningText,
};

/**
 * What differs in the dark theme. No blue carries white text and also reads on a dark card, so
 * Vant's primary is the light accent blue there, with dark text on primary buttons.
 */
export const themeVarsDark: ConfigProviderThemeVars = {
  primaryColor: palettes.dark.primary,
  buttonPrimaryColor: palettes.dark.page,
  navBarIconColor: palettes.dark.text,
  navBarTextColor: palettes.dark.text,
  dangerColor: '#ff6b61',
  textColor: palettes.dark.text,
  textColor2: palettes.dark.text3,
  textColor3: palettes.dark.text3,
  background: palettes.dark.page,
  background2: palettes.dark.card,
  borderColor: palettes.dark.border,
  activeColor: palettes.dark.fill,
  noticeBarBackground: palettes.dark.warningSoft,
  noticeBarTextColor: palettes.dark.warningText,
};
