import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import './styles.css'

const app = createApp(App)
const router = createAppRouter()
app.use(createPinia())
app.use(router)

// SCALE-9: Sentry only when a DSN is configured, and loaded lazily so it never weighs on the
// initial bundle of deployments that do not use it.
const dsn = import.meta.env.VITE_SENTRY_DSN
if (dsn) {
  void import('@sentry/vue').then((Sentry) => {
    Sentry.init({
      app,
      dsn,
      integrations: [Sentry.browserTracingIntegration({ router })],
      tracesSampleRate: 0.1,
      environment: import.meta.env.MODE,
    })
  })
}

app.mount('#app')
