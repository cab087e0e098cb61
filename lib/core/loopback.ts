/** Is a host loopback (127.0.0.0/8, ::1, localhost)? Pure; drills and the mirror refuse others unless told. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}
