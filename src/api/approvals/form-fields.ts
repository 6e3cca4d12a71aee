/**
 * An approval step's `form` on the public link page: HTML fields for simple schemas
 * (string, number/integer, boolean, enum; `required`), and the posted fields read back
 * as typed values. The server validates them against the full schema afterwards.
 */
type Property = { type?: unknown; enum?: unknown[]; title?: unknown; description?: unknown; default?: unknown; maxLength?: unknown };

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function propertiesOf(schema: Record<string, unknown>): [string, Property][] {
  const props = schema['properties'];
  return props && typeof props === 'object' ? Object.entries(props as Record<string, Property>) : [];
}

const requiredOf = (schema: Record<string, unknown>): Set<string> => new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);

/** The form's fields as HTML inputs named `form.<field>`. */
export function formFieldsHtml(schema: Record<string, unknown>): string {
  const required = requiredOf(schema);
  return propertiesOf(schema)
    .map(([name, p]) => {
      const id = `form-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      const field = `form.${name}`;
      const label = `${typeof p.title === 'string' ? p.title : name}${required.has(name) ? ' *' : ''}`;
      const req = required.has(name) ? ' required' : '';
      const help = typeof p.description === 'string' ? `<p class="note">${escape(p.description)}</p>` : '';
      const dflt = p.default === undefined ? '' : String(p.default);
      let input: string;
      if (Array.isArray(p.enum)) {
        const options = [...(required.has(name) ? [] : ['']), ...p.enum.map(String)];
        input = `<select id="${id}" name="${escape(field)}"${req}>${options.map((o) => `<option value="${escape(o)}"${o === dflt ? ' selected' : ''}>${escape(o || '—')}</option>`).join('')}</select>`;
      } else if (p.type === 'boolean') {
        return `<label for="${id}"><input type="checkbox" id="${id}" name="${escape(field)}" value="true"${p.default === true ? ' checked' : ''}> ${escape(label)}</label>${help}`;
      } else if (p.type === 'number' || p.type === 'integer') {
        input = `<input type="number" id="${id}" name="${escape(field)}" step="${p.type === 'integer' ? '1' : 'any'}" value="${escape(dflt)}"${req}>`;
      } else {
        input = `<input type="text" id="${id}" name="${escape(field)}" value="${escape(dflt)}"${typeof p.maxLength === 'number' ? ` maxlength="${p.maxLength}"` : ''}${req}>`;
      }
      return `<label for="${id}">${escape(label)}</label>${input}${help}`;
    })
    .join('');
}

/**
 * The values of a posted form (`form.<field>` fields of a form post, or a JSON body's
 * `form` object), typed by the schema: numbers parsed, a checkbox true or false, empty
 * fields left out. Undefined when the post carries no form fields.
 */
export function formValuesFrom(schema: Record<string, unknown> | undefined, body: unknown): Record<string, unknown> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (b['form'] && typeof b['form'] === 'object' && !Array.isArray(b['form'])) return b['form'] as Record<string, unknown>;
  const posted = Object.keys(b).filter((k) => k.startsWith('form.'));
  if (!schema) return undefined;
  const values: Record<string, unknown> = {};
  let any = posted.length > 0;
  for (const [name, p] of propertiesOf(schema)) {
    const raw = b[`form.${name}`];
    if (p.type === 'boolean' && !Array.isArray(p.enum)) {
      if (posted.length > 0) values[name] = raw === 'true' || raw === 'on';
      continue;
    }
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    any = true;
    if (p.type === 'number' || p.type === 'integer') values[name] = Number(raw);
    else values[name] = raw;
  }
  return any ? values : undefined;
}
