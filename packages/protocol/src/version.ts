/** The codec package's version, printed by `kassa-tlv --version`; a test keeps it equal to package.json's. */
export const PROTOCOL_VERSION = '0.1.0';
