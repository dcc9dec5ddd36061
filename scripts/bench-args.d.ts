export declare const USAGE: string;
export declare function benchArgs(argv: readonly string[], version: string): { exit: number; out?: string; err?: string } | null;
