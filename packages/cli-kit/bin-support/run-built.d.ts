/**
 * Run a package's built CLI from its committed bin shim; in a trainwire checkout that has not been
 * built, build the package first (or, with TRAINWIRE_NO_AUTO_BUILD=1, say how and exit 1).
 */
export declare function runBuilt(shimUrl: string, entry: string, name: string): Promise<void>;
