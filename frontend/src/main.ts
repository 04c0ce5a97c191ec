import 'vant/lib/index.css';
import './styles/theme.css';

import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createWebHashHistory } from 'vue-router';

import App from './App.vue';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';

createApp(App)
  .use(createPinia())
  .use(createAppI18n())
  .use(createAppRouter(createWebHashHistory()))
  .mount('#app');
