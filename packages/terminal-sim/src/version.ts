/** The emulator's version, printed by `kassa-terminal --version`; a test keeps it equal to package.json's. */
export const SIM_VERSION = '0.1.0';
