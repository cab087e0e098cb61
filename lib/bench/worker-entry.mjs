// Worker-thread entry: load TypeScript through tsx (hooks are not inherited by workers on Node 20).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
