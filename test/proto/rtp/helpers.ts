import { RtpPacket } from '../../../src/proto/rtp';

/** Shared by the extension tests. Not a test file. */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
export const HDR = '90000001 00000002 00000003';

/** A bare header-only packet (no extensions) with a 2-byte payload. */
export function bare(): RtpPacket {
	return RtpPacket.parse(hex('80000001 00000002 00000003 abcd'))!;
}
