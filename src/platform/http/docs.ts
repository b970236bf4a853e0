/**
 * /docs: the OpenAPI document rendered as one self-contained page (no scripts from other
 * hosts, so it works offline and under a strict content security policy).
 */
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export function renderDocs(doc: { info: { title: string; version: string; description?: string }; paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } }): string {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const byTag = new Map<string, typeof ops>();
  for (const o of ops) {
    const tag = o.op.tags?.[0] ?? 'other';
    byTag.set(tag, [...(byTag.get(tag) ?? []), o]);
  }
  const section = ([tag, list]: [string, typeof ops]) => `
    <h2 id="${esc(tag)}">${esc(tag)}</h2>
    ${list
      .map(
        ({ path, method, op }) => `
      <details>
        <summary><code class="m ${esc(method)}">${esc(method.toUpperCase())}</code> <code>${esc(path)}</code> ${esc(op.summary)}</summary>
        ${op.description ? `<p>${esc(op.description)}</p>` : ''}
        ${op.parameters?.length ? `<h4>Parameters</h4><ul>${op.parameters.map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''}) ${esc(p.description)}</li>`).join('')}</ul>` : ''}
        ${op.requestBody ? `<h4>Body</h4><pre>${esc(JSON.stringify(op.requestBody.content?.['application/json']?.schema, null, 2))}</pre>` : ''}
        <h4>Responses</h4><ul>${Object.entries(op.responses ?? {}).map(([code, r]) => `<li><code>${esc(code)}</code> ${esc(r.description)}</li>`).join('')}</ul>
      </details>`,
      )
      .join('')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<style>
  body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1c2430}
  details{border:1px solid #dde3ea;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}
  summary{cursor:pointer} pre{background:#f5f7fa;padding:.6rem;overflow:auto;font-size:12px}
  .m{display:inline-block;min-width:4.2rem;font-weight:600}.get{color:#0b6}.post{color:#06c}.put,.patch{color:#b70}.delete{color:#c22}
</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Sections: ${[...byTag.keys()].map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join(' · ')}</p>
${[...byTag.entries()].map(section).join('')}
</body></html>`;
}
