/**
 * The demo service's user flow: list items → reserve one (with an idempotency key, and
 * now and then a retry with the same key) → confirm → read the reservation back.
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import { type Api, json } from './http.ts';
import { ROUTES } from './routes.ts';

interface Item {
  id: string;
  stock: number;
}
interface Reservation {
  id: string;
  status: string;
  itemId: string;
}

export interface FlowOptions {
  testid: string;
  /** Seconds to sleep after an iteration (VU-based profiles model think time). */
  thinkSeconds?: number;
  /** Retry the reservation with the same key every Nth iteration (0 = never). */
  replayEvery?: number;
}

/** One user journey. Returns true when every step succeeded. */
export function reservationFlow(api: Api, o: FlowOptions): boolean {
  const done = (ok: boolean) => {
    if (o.thinkSeconds) sleep(o.thinkSeconds);
    return ok;
  };
  const list = api.call(
    { method: 'GET', route: ROUTES.items },
    { 'lists items': (r) => (json<{ items: Item[] }>(r)?.items?.length ?? 0) > 0 },
  );
  const items = list.ok ? (json<{ items: Item[] }>(list.res)?.items ?? []) : [];
  const inStock = items.filter((i) => i.stock > 0);
  if (inStock.length === 0) return done(false);
  const item = inStock[Math.floor(Math.random() * inStock.length)] as Item;
  const iteration = exec.scenario.iterationInTest;
  const key = `${o.testid}-${exec.vu.idInTest}-${iteration}`;
  const body = { itemId: item.id, qty: 1 };
  const headers = { 'Idempotency-Key': key };
  const reserve = api.call(
    { method: 'POST', route: ROUTES.reservations, body, headers, expect: [201] },
    { 'reservation is pending': (r) => json<Reservation>(r)?.status === 'pending' },
  );
  const id = reserve.ok ? json<Reservation>(reserve.res)?.id : undefined;
  if (!id) return done(false);
  const replayEvery = o.replayEvery ?? 5;
  if (replayEvery > 0 && iteration % replayEvery === 0) {
    api.call(
      { method: 'POST', route: ROUTES.reservations, body, headers, expect: [200] },
      { 'same key gives the same reservation': (r) => json<Reservation>(r)?.id === id },
    );
  }
  const confirm = api.call(
    { method: 'POST', route: ROUTES.confirm, params: { id }, expect: [200] },
    { 'reservation is confirmed': (r) => json<Reservation>(r)?.status === 'confirmed' },
  );
  if (!confirm.ok) return done(false);
  const read = api.call(
    { method: 'GET', route: ROUTES.reservation, params: { id } },
    { 'confirmed reservation reads back': (r) => json<Reservation>(r)?.status === 'confirmed' },
  );
  return done(read.ok);
}
