// The SPA's bundle and LCP figures live beside the SPA.
export { runFrontendBench } from '../frontend/bench/index'
