/** Cluster redirections counted by kind (pure): what the runner counts and the reports print. */
export const REDIRECT_KINDS = ['MOVED', 'ASK', 'TRYAGAIN'] as const;
export type RedirectKind = (typeof REDIRECT_KINDS)[number];
export type Redirections = Record<RedirectKind, number>;

export const noRedirections = (): Redirections => ({ MOVED: 0, ASK: 0, TRYAGAIN: 0 });

/** The redirection an error reply asks for (pure); null for any other error. */
export function redirectKind(message: string): RedirectKind | null {
  if (message.startsWith('MOVED ')) return 'MOVED';
  if (message.startsWith('ASK ')) return 'ASK';
  if (message.startsWith('TRYAGAIN')) return 'TRYAGAIN';
  return null;
}

/** Add `b` into `a`. */
export function addRedirections(a: Redirections, b: Redirections): Redirections {
  for (const k of REDIRECT_KINDS) a[k] += b[k] ?? 0;
  return a;
}

/** `MOVED=n ASK=m` (and `TRYAGAIN=k` when any). */
export function formatRedirections(r: Redirections): string {
  return `MOVED=${r.MOVED} ASK=${r.ASK}${r.TRYAGAIN ? ` TRYAGAIN=${r.TRYAGAIN}` : ''}`;
}
