/** The box software version, sent in the uplink hello and shown on /status. */
export const BOX_VERSION = '0.1.0';
export const BOX_SOFTWARE = `kassa-iotbox ${BOX_VERSION}`;
