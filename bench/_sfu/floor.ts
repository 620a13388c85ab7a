/**
 * The least a Node.js SFU does per packet, as a child process of bench/node-floor.ts: one ingest
 * UDP socket; every datagram is copied, given a new sequence number per destination, and sent on
 * each of N connected sockets. Same socket layer as broth's worker (src/worker/net/UdpSocket: the
 * UDP handle's onmessage, connected raw-handle sends), no RTP parsing, no state.
 *
 * With SRTP keys, each datagram is unprotected on the way in and each copy protected on the way
 * out with broth's SrtpSession (the calls its PlainTransport makes).
 *
 * Requests: setup {ports, recvBufferSize, srtp?: {in, out[]}} -> {port, pid}, count -> datagrams received.
 */
import { SrtpOutput, SrtpSession } from '../../src/proto/srtp';
import { UdpSocket } from '../../src/worker/net/UdpSocket';
import { serve, sleep, SUITE } from './common';

let received = 0;

serve({
	async setup({ ports, recvBufferSize, srtp }: { ports: number[]; recvBufferSize: number; srtp?: { in: string; out: string[] } }) {
		const choice = { min: 20000, max: 60000 };
		const ingest = await UdpSocket.bind({ ip: '127.0.0.1', choice, recvBufferSize });
		const outs: UdpSocket[] = [];

		for (const port of ports) {
			const out = await UdpSocket.bind({ ip: '127.0.0.1', choice });

			out.connectTo('127.0.0.1', port);
			outs.push(out);
		}
		while (!outs.every((o) => o.connected)) {
			await sleep(5);
		}

		const seqs = new Uint16Array(outs.length);
		const scratch = Buffer.allocUnsafeSlow(2048);
		const views = new Array<Buffer | undefined>(2049);
		const recv = srtp ? new SrtpSession(SUITE as any, srtp.in) : undefined;
		const sends = srtp ? srtp.out.map((key) => new SrtpSession(SUITE as any, key)) : [];
		const output = new SrtpOutput(2048);

		ingest.onPacket = (input) => {
			const data = recv ? recv.unprotectRtp(input) : input;

			if (data === undefined) {
				return;
			}
			received++;

			const length = data.length;
			const view = views[length] ?? (views[length] = scratch.subarray(0, length));

			for (let i = 0; i < outs.length; i++) {
				view.set(data);
				view[2] = seqs[i]! >>> 8;
				view[3] = seqs[i]!;
				seqs[i]++;

				const out = recv ? sends[i]!.protectRtpInto(view, output) : view;

				if (out !== undefined) {
					outs[i]!.send(out, ports[i]!, '127.0.0.1');
				}
			}
		};

		return { port: ingest.localPort, pid: process.pid };
	},
	count() {
		return received;
	},
});
