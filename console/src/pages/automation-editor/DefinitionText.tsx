// The text view of the automation editor: the definition as YAML or JSON. Graph edits re-render
// the text; text edits that parse replace the definition (and leave the text as typed).
import { json } from '@codemirror/lang-json';
import { yaml as yamlLang } from '@codemirror/lang-yaml';
import CodeMirror from '@uiw/react-codemirror';
import { useEffect, useRef, useState } from 'react';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { Definition } from '../../flow.ts';

export function DefinitionText({ def, onChange }: { def: Definition; onChange: (def: Definition) => void }) {
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const [text, setText] = useState('');
  const [textError, setTextError] = useState('');
  const fromText = useRef(false);

  useEffect(() => {
    if (fromText.current) {
      fromText.current = false;
      return;
    }
    setText(format === 'yaml' ? toYaml(def) : JSON.stringify(def, null, 2));
    setTextError('');
  }, [def, format]);

  const onText = (value: string) => {
    setText(value);
    try {
      const parsed = (format === 'yaml' ? parseYaml(value) : JSON.parse(value)) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('The definition must be an object');
      fromText.current = true;
      onChange(parsed as Definition);
      setTextError('');
    } catch (err) {
      setTextError((err as Error).message);
    }
  };

  return (
    <section className="text" aria-label="Text view">
      <div className="toolbar">
        <span>Definition</span>
        <button type="button" aria-pressed={format === 'yaml'} onClick={() => setFormat('yaml')}>
          YAML
        </button>
        <button type="button" aria-pressed={format === 'json'} onClick={() => setFormat('json')}>
          JSON
        </button>
      </div>
      <CodeMirror value={text} onChange={onText} extensions={[format === 'yaml' ? yamlLang() : json()]} aria-label="Definition text" basicSetup={{ lineNumbers: true }} />
      {textError && (
        <p role="alert" className="error">
          {textError}
        </p>
      )}
    </section>
  );
}
