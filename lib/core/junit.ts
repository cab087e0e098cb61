/**
 * JUnit XML, the report format every CI system reads (pure; shared by the k6 summary, which
 * runs inside k6, and by `stormdrill gate`, which runs in Node).
 */

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface JUnitCase {
  name: string;
  classname: string;
  /** Set when the case failed: the failure message. */
  failure?: string;
}

export interface JUnitSuite {
  /** The `<testsuites>` name. */
  title: string;
  /** The `<testsuite>` name. */
  name: string;
  seconds: number;
  properties: Record<string, string>;
  cases: JUnitCase[];
}

/** One `<testsuite>` inside `<testsuites>`, one `<testcase>` per case, a `<failure>` per failed one. */
export function junitXml(s: JUnitSuite): string {
  const failures = s.cases.filter((c) => c.failure !== undefined).length;
  const secs = s.seconds.toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(s.title)}" tests="${s.cases.length}" failures="${failures}" time="${secs}">`,
    `  <testsuite name="${xmlEscape(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="0" time="${secs}">`,
    '    <properties>',
    ...Object.entries(s.properties).map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`),
    '    </properties>',
  ];
  for (const c of s.cases) {
    const attrs = `name="${xmlEscape(c.name)}" classname="${xmlEscape(c.classname)}"`;
    if (c.failure === undefined) lines.push(`    <testcase ${attrs}/>`);
    else lines.push(`    <testcase ${attrs}>`, `      <failure message="${xmlEscape(c.failure)}"/>`, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
