// Renderer entry: one Vue app with Pinia; the API client is chosen on first use (see api/index.ts).
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import './styles.css'

createApp(App).use(createPinia()).mount('#app')
