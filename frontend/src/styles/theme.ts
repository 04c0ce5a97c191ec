/** Vant theme variables: a calm public-service blue with generous, readable sizes. */

import type { ConfigProviderThemeVars } from 'vant';

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
