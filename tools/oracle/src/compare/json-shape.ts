/**
 * The shape of a JSON value: its keys and types, recursively, without the values. Every element of
 * an array is merged into one item shape, so `[{a:1},{a:2,b:null}]` is an array of objects with keys
 * `a` (number) and `b` (null). Ids and timestamps are strings like any other: compared by type only.
 */
export type Shape =
  | { readonly kind: 'null' | 'boolean' | 'number' | 'string' }
  | { readonly kind: 'array'; readonly items: Shape | undefined }
  | { readonly kind: 'object'; readonly properties: Readonly<Record<string, Shape>> }
  | { readonly kind: 'union'; readonly members: readonly Shape[] };

/** The shape of a parsed JSON value. */
export function shapeOf(value: unknown): Shape {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'boolean') return { kind: 'boolean' };
  if (typeof value === 'number') return { kind: 'number' };
  if (typeof value === 'string') return { kind: 'string' };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(shapeOf).reduce<Shape | undefined>(mergeShapes, undefined) };
  const properties: Record<string, Shape> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) properties[key] = shapeOf(item);
  return { kind: 'object', properties };
}

/** One shape covering both: objects merge their keys, arrays their items, different kinds make a union. */
export function mergeShapes(left: Shape | undefined, right: Shape | undefined): Shape | undefined {
  if (!left) return right;
  if (!right) return left;
  const members = [...(left.kind === 'union' ? left.members : [left]), ...(right.kind === 'union' ? right.members : [right])];
  const merged: Shape[] = [];
  for (const member of members) {
    const index = merged.findIndex((candidate) => candidate.kind === member.kind);
    if (index < 0) merged.push(member);
    else merged[index] = mergeSameKind(merged[index] as Shape, member);
  }
  return merged.length === 1 ? merged[0] : { kind: 'union', members: merged };
}

function mergeSameKind(left: Shape, right: Shape): Shape {
  if (left.kind === 'array' && right.kind === 'array') return { kind: 'array', items: mergeShapes(left.items, right.items) };
  if (left.kind === 'object' && right.kind === 'object') {
    const properties: Record<string, Shape> = { ...left.properties };
    for (const [key, shape] of Object.entries(right.properties)) properties[key] = mergeShapes(properties[key], shape) as Shape;
    return { kind: 'object', properties };
  }
  return left;
}

/** The kinds a shape may take (a union's members, else its own). */
export function kindsOf(shape: Shape): Set<Shape['kind']> {
  return new Set(shape.kind === 'union' ? shape.members.map((member) => member.kind) : [shape.kind]);
}

/** The member of a given kind, if the shape can be one. */
export function memberOfKind<Kind extends Shape['kind']>(shape: Shape, kind: Kind): Extract<Shape, { kind: Kind }> | undefined {
  const members = shape.kind === 'union' ? shape.members : [shape];
  return members.find((member) => member.kind === kind) as Extract<Shape, { kind: Kind }> | undefined;
}

/** `{a: string, b: [number]}`-style text of a shape, for reports. */
export function describeShape(shape: Shape | undefined, depth = 2): string {
  if (!shape) return 'nothing';
  switch (shape.kind) {
    case 'union':
      return shape.members.map((member) => describeShape(member, depth)).join(' | ');
    case 'array':
      return `[${shape.items ? describeShape(shape.items, depth - 1) : ''}]`;
    case 'object': {
      const keys = Object.keys(shape.properties);
      if (depth <= 0) return `{${keys.length} keys}`;
      return `{${keys.map((key) => `${key}: ${describeShape(shape.properties[key], depth - 1)}`).join(', ')}}`;
    }
    default:
      return shape.kind;
  }
}
