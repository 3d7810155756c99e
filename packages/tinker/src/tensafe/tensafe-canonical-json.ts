/** Keys of `dp_metrics` whose whole-number values are integers in Python (everything else is a float). */
const INTEGER_KEY = /^(num_.*|step|steps|.*_steps|.*_count|.*_bytes)$/;

/**
 * The canonical JSON TenSafe hashes: Python's `json.dumps(value, sort_keys=True,
 * separators=(",", ":"), ensure_ascii=True)`. Numbers are written as Python writes them; a whole
 * number is a float (`1.0`) unless `isInteger(key)` says the field holds an int.
 */
export function canonicalJson(value: unknown, isInteger: (key: string) => boolean = (key) => INTEGER_KEY.test(key), key = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value, isInteger(key));
  if (typeof value === 'string') return asciiString(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, isInteger, key)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((name) => record[name] !== undefined)
      .sort()
      .map((name) => `${asciiString(name)}:${canonicalJson(record[name], isInteger, name)}`);
    return `{${fields.join(',')}}`;
  }
  throw new TypeError(`Cannot write a ${typeof value} as canonical JSON.`);
}

/** A JSON string with every character outside printable ASCII escaped as `\uXXXX`, like `ensure_ascii`. */
function asciiString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `repr()` of a Python int or float: `1.0`, `1e-05`, `1.5e+16`, `0.1`. */
export function pythonNumber(value: number, integer: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (integer && Number.isInteger(value)) return String(value);
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // In this range JavaScript, like Python, writes the shortest digits without an exponent.
  const fixed = String(value);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}
