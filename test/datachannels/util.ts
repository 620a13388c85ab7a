/** Helpers shared by the data channel tests. */
import type { SctpAssociationOptions } from '../../src/proto/sctp';
import { UdpDriver } from '../proto/sctp/udp-driver';

/** Resolves when cond() holds (polled every 5 ms); the failure message is built when the wait fails. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
	const deadline = Date.now() + ms;

	while (!(await cond())) {
		if (Date.now() > deadline) {
			throw new Error(`timeout after ${ms} ms: ${what()}`);
		}
		await new Promise((r) => setTimeout(r, 5));
	}
}

/** A message whose first 4 bytes are its index. */
export function msg(i: number, size: number): Buffer {
	const b = Buffer.alloc(size, i & 0xff);

	b.writeUInt32BE(i, 0);

	return b;
}

/**
 * A peer for a PlainTransport with SCTP: one of our own proto associations over a loopback UDP
 * socket (test/proto/sctp/udp-driver), aimed at the transport's port. `hold` keeps incoming
 * packets unprocessed (a blocked receiver: no SACKs) until `release()`.
 */
export async function ourPeer(
	options: SctpAssociationOptions,
): Promise<{ driver: UdpDriver; port: number; aim(port: number): void; connect(): void; hold(): void; release(): void }> {
	const driver = new UdpDriver({ role: 'client', ...options });
	const port = await driver.bind();
	const handle = driver.assoc.handlePacket.bind(driver.assoc);
	let held: Buffer[] | undefined;
	driver.assoc.handlePacket = (buf: Buffer, nowMs: number) => {
		if (held) held.push(buf);
		else handle(buf, nowMs);
	};
	return {
		driver,
		port,
		aim: (remotePort) => {
			driver.peer = { address: '127.0.0.1', port: remotePort };
		},
		connect: () => {
			driver.assoc.connect(driver.now());
			driver.flush();
		},
		hold: () => {
			held ??= [];
		},
		release: () => {
			const packets = held ?? [];
			held = undefined;
			for (const p of packets) handle(p, driver.now());
			driver.flush();
		},
	};
}
