import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One call of `Transport#request`, `#requestRaw` or `#paginate` (or of a forwarder) in a client's sources. */
export interface TransportCall {
  /** The file (relative to the tsconfig's folder) and the function the call is in: `src/x-client.ts › listJobs`. */
  site: string;
  /** The file and line, for people. */
  where: string;
  /** The operation keys (`'POST /jobs'`) the call's method and path types allow; empty when the compiler cannot say. */
  keys: string[];
}

/**
 * A function that passes calls through to the transport with a path it is given (so its own
 * transport call resolves to no key): each call of it is read instead, its path from an argument.
 */
export interface Forwarder {
  /** The name it is called by: `#paginate`, `listPage`. */
  name: string;
  method: string;
  /** Which argument is the path template. */
  pathArgument: number;
}

const CALLS = new Set(['request', 'requestRaw', 'paginate']);

/** A package's client sources: everything under `src/` but tests, type tests, generated code, mocks and test support. */
export const clientSource = (file: string): boolean =>
  file.startsWith('src/') && !/\.test(-d)?\.ts$|\/(generated|mocks|test-support)\//.test(file);

/**
 * Every call of a core `Transport`'s `request`, `requestRaw` or `paginate` in the files of a
 * TypeScript project that `include` accepts, with the operation keys the compiler resolved for its
 * `method` and `path` type parameters (a path built from constants or template literals resolves
 * too, as it must to compile). A call whose method or path the compiler only knows as `string` or
 * `never` (a function that passes calls through) has no keys, for the caller to review.
 */
export function transportCalls(tsconfigPath: string, include: (file: string) => boolean, forwarders: Forwarder[] = []): TransportCall[] {
  const root = dirname(resolve(tsconfigPath));
  const config = ts.readConfigFile(tsconfigPath, (path) => readFileSync(path, 'utf8'));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const files = parsed.fileNames.filter((file) => include(relative(root, file)));
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const calls: TransportCall[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not in the program`);
    const record = (node: ts.CallExpression, methods: string[], paths: string[]) => {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      const keys = methods.flatMap((verb) => paths.map((template) => `${verb.toUpperCase()} ${template}`));
      calls.push({ site: `${relative(root, file)} › ${enclosingName(node)}`, where: `${relative(root, file)}:${line + 1}`, keys });
    };
    const visit = (node: ts.Node): void => {
      // A forwarder is a method (`this.#paginate(...)`) or a plain function (`paginate(core, ...)`).
      if (ts.isCallExpression(node) && (ts.isPropertyAccessExpression(node.expression) || ts.isIdentifier(node.expression))) {
        const forwarder = forwarders.find((item) => item.name === calleeName(node.expression));
        const argument = forwarder && node.arguments[forwarder.pathArgument];
        if (forwarder && argument) record(node, [forwarder.method], literals(checker.getTypeAtLocation(argument)));
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const name = node.expression.name.text;
        const signature = CALLS.has(name) ? checker.getResolvedSignature(node) : undefined;
        if (signature && isTransportMethod(signature.getDeclaration())) {
          const [method, path] = signature.getParameters().map((parameter) => literals(checker.getTypeOfSymbol(parameter)));
          record(node, method ?? [], path ?? []);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

/** The name a call's callee goes by: `paginate` of `paginate(...)`, `#paginate` of `this.#paginate(...)`. */
function calleeName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

/** The name of the function, method or property a node is in (`(top level)` for none). */
function enclosingName(node: ts.Node): string {
  for (let current = node.parent; current; current = current.parent) {
    if (
      (ts.isFunctionDeclaration(current) ||
        ts.isMethodDeclaration(current) ||
        ts.isPropertyAssignment(current) ||
        ts.isPropertyDeclaration(current)) &&
      current.name
    ) {
      return current.name.getText();
    }
    if (ts.isVariableDeclaration(current) && ts.isIdentifier(current.name)) return current.name.text;
  }
  return '(top level)';
}

/** Whether a declaration is a method of core's `Transport` interface, or of `PagedTransport` (`paginate`). */
function isTransportMethod(declaration: ts.Declaration | undefined): boolean {
  const owner = declaration?.parent;
  return (
    owner !== undefined && ts.isInterfaceDeclaration(owner) && (owner.name.text === 'Transport' || owner.name.text === 'PagedTransport')
  );
}

/** The string literals a type is made of, or [] when it is not a union of string literals. */
function literals(type: ts.Type): string[] {
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((part) => part.isStringLiteral()) ? parts.map((part) => (part as ts.StringLiteralType).value) : [];
}
