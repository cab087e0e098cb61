// Node code (tsconfig.json) resolves every `k6` / `k6/*` import to this empty module, so
// any named or default import from k6 fails to type-check. k6 code lives in lib/k6 and scripts/.
export declare const K6_MODULES_ARE_NOT_AVAILABLE_IN_NODE_CODE: unique symbol;
