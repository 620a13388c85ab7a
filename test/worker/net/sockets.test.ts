import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { bindWithPortChoice, portChoiceFor } from '../../../src/worker/net/ports';
import { UdpSocket } from '../../../src/worker/net/UdpSocket';
import { TcpServer } from '../../../src/worker/net/TcpServer';
import { frameRfc4571 } from '../../../src/worker/net/rfc4571';

function inUse(): Error {
	return Object.assign(new Error('in use'), { code: 'EADDRINUSE' });
}

test('portChoiceFor(): portRange, then port, then the worker range', () => {
	const worker = { rtcMinPort: 10000, rtcMaxPort: 10100 };

	assert.deepEqual(portChoiceFor({ port: 5000, portRange: { min: 2000, max: 3000 } }, worker), { min: 2000, max: 3000 });
	assert.deepEqual(portChoiceFor({ port: 5000, portRange: { min: 0, max: 0 } }, worker), { port: 5000 });
	assert.deepEqual(portChoiceFor({ port: 0 }, worker), { min: 10000, max: 10100 });
	assert.deepEqual(portChoiceFor({}, worker), { min: 10000, max: 10100 });
});

test('bindWithPortChoice() walks the whole range once from a random start, skipping ports in use', async () => {
	const starts = new Set<number>();

	for (let i = 0; i < 50; ++i) {
		const tried: number[] = [];

		await assert.rejects(
			bindWithPortChoice({ min: 100, max: 109 }, 'test', async (port) => {
				tried.push(port);
				throw inUse();
			}),
			/no more available ports.*numAttempt:10/,
		);
		assert.deepEqual([...tried].sort((a, b) => a - b), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
		// Consecutive, wrapping around.
		for (let j = 1; j < tried.length; ++j) {
			assert.equal(tried[j], tried[j - 1] === 109 ? 100 : tried[j - 1]! + 1);
		}
		starts.add(tried[0]!);
	}
	assert.ok(starts.size > 1, 'random start');

	const port = await bindWithPortChoice({ min: 1, max: 3 }, 'test', async (p) => {
		if (p !== 2) {
			throw inUse();
		}

		return p;
	});

	assert.equal(port, 2);
});

test('bindWithPortChoice() fails at once on errors other than EADDRINUSE', async () => {
	let attempts = 0;

	await assert.rejects(
		bindWithPortChoice({ min: 1, max: 100 }, 'test', async () => {
			++attempts;
			throw Object.assign(new Error('nope'), { code: 'EADDRNOTAVAIL' });
		}),
		/EADDRNOTAVAIL/,
	);
	assert.equal(attempts, 1);
	await assert.rejects(bindWithPortChoice({ port: 7 }, 'test', async () => { throw inUse(); }), /EADDRINUSE/);
});

test('UdpSocket binds, receives datagrams, and frees its port on close', async () => {
	const socket = await UdpSocket.bind({ ip: '127.0.0.1', choice: { min: 20000, max: 40000 } });

	assert.equal(socket.localIp, '127.0.0.1');
	assert.ok(socket.localPort >= 20000 && socket.localPort <= 40000);

	const received = new Promise<[Buffer, string, number]>((resolve) => {
		socket.onPacket = (data, ip, port) => resolve([Buffer.from(data), ip, port]);
	});
	const sender = dgram.createSocket('udp4');

	sender.send(Buffer.from('hello'), socket.localPort, '127.0.0.1');

	const [data, ip] = await received;

	assert.equal(data.toString(), 'hello');
	assert.equal(ip, '127.0.0.1');
	sender.close();

	// Taken while open.
	await assert.rejects(UdpSocket.bind({ ip: '127.0.0.1', choice: { port: socket.localPort } }), /EADDRINUSE/);
	socket.close();
	socket.close();

	const again = await UdpSocket.bind({ ip: '127.0.0.1', choice: { port: socket.localPort } });

	assert.equal(again.localPort, socket.localPort);
	again.close();

	await assert.rejects(UdpSocket.bind({ ip: '8.8.8.8', choice: { min: 20000, max: 20010 } }), /EADDRNOTAVAIL/);
	await assert.rejects(UdpSocket.bind({ ip: 'foo', choice: { port: 1 } }), TypeError);
});

test('UdpSocket.send(): addressed and connected sends arrive byte-exact and in order, the buffer is free at once, an unreachable remote never throws', async () => {
	for (const [family, ip] of [['udp4', '127.0.0.1'], ['udp6', '::1']] as const) {
		const socket = await UdpSocket.bind({ ip, choice: { min: 20000, max: 40000 } });
		const peer = dgram.createSocket(family);

		await new Promise<void>((resolve) => peer.bind(0, ip, resolve));

		const got: Buffer[] = [];
		const received = async (count: number): Promise<void> => {
			for (let waited = 0; got.length < count; waited += 5) {
				assert.ok(waited < 5000, `${family}: ${got.length} of ${count} datagrams arrived`);
				await new Promise((r) => setTimeout(r, 5));
			}
		};

		peer.on('message', (data) => got.push(data));
		// One buffer rewritten before every send: each datagram must carry what the buffer held
		// at its send (copied out synchronously), not what it holds later.
		const buf = Buffer.alloc(1200);
		const peerPort = peer.address().port;

		for (let i = 0; i < 200; i++) {
			buf.fill(i & 0xff);
			buf.writeUInt16BE(i, 0);
			socket.send(buf, peerPort, ip);
			assert.equal(socket.sendBuffersFree, true, 'nothing queued after a synchronous send');
			if (i % 20 === 19) {
				// Within the peer's receive buffer.
				await received(i + 1);
			}
		}
		socket.connectTo(ip, peerPort);
		await new Promise<void>((resolve) => {
			const wait = (): void => (socket.connected ? resolve() : void setTimeout(wait, 5));

			wait();
		});
		for (let i = 200; i < 400; i++) {
			buf.fill(i & 0xff);
			buf.writeUInt16BE(i, 0);
			socket.send(buf, peerPort, ip);
			if (i % 20 === 19) {
				await received(i + 1);
			}
		}
		// Receiving goes on once connected, from the remote's address and port.
		const back = new Promise<[string, string, number]>((resolve) => {
			socket.onPacket = (data, fromIp, fromPort) => resolve([data.toString(), fromIp, fromPort]);
		});

		peer.send(Buffer.from('reply'), socket.localPort, ip);
		assert.deepEqual(await back, ['reply', ip, peerPort]);
		// A connected socket sends only to its remote.
		socket.send(Buffer.from('elsewhere'), peerPort + 1, ip);
		for (let i = 0; i < 400; i++) {
			assert.equal(got[i]!.length, 1200);
			assert.equal(got[i]!.readUInt16BE(0), i, `${family} datagram ${i} in order`);
			assert.equal(got[i]![1199], i & 0xff, `${family} datagram ${i} content as at its send`);
		}
		await new Promise((r) => setTimeout(r, 50));
		assert.equal(got.length, 400, 'nothing sent to another address once connected');

		// The remote goes away: ICMP port unreachable surfaces as an error on the connected
		// socket (on its next receive or send), which must never throw out of send().
		peer.close();
		for (let i = 0; i < 20; i++) {
			socket.send(buf, peerPort, ip);
			await new Promise((r) => setTimeout(r, 2));
		}
		// Counted on whichever call the kernel reported it to.
		assert.ok(socket.sendErrors + socket.recvErrors > 0, `${family}: the unreachable remote was counted`);
		socket.close();
		socket.send(buf, peerPort, ip);
	}
});

test('UdpSocket.connectTo(): buffers are not reported free while the connect is in flight; a failed connect leaves the socket unconnected and sending', async () => {
	const socket = await UdpSocket.bind({ ip: '127.0.0.1', choice: { min: 20000, max: 40000 } });
	const peer = dgram.createSocket('udp4');

	await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));

	const got: Buffer[] = [];

	peer.on('message', (data) => got.push(data));
	assert.equal(socket.sendBuffersFree, true);
	// An IPv6 remote for an IPv4 socket: dgram's connect fails (EINVAL) in its callback.
	socket.connectTo('::1', peer.address().port);
	assert.equal(socket.sendBuffersFree, false, 'dgram may hold a send until the connect completes');
	await new Promise((r) => setTimeout(r, 50));
	assert.equal(socket.connected, false);
	assert.equal(socket.sendBuffersFree, true);
	socket.send(Buffer.from('after a failed connect'), peer.address().port, '127.0.0.1');
	for (let waited = 0; got.length === 0; waited += 5) {
		assert.ok(waited < 3000, 'the addressed send after a failed connect arrives');
		await new Promise((r) => setTimeout(r, 5));
	}
	assert.equal(got[0]!.toString(), 'after a failed connect');

	// A good connect: not free while in flight, free once connected.
	socket.connectTo('127.0.0.1', peer.address().port);
	assert.equal(socket.sendBuffersFree, false);
	for (let waited = 0; !socket.connected; waited += 5) {
		assert.ok(waited < 3000, 'connected');
		await new Promise((r) => setTimeout(r, 5));
	}
	assert.equal(socket.sendBuffersFree, true);
	socket.close();
	peer.close();
});

test("UdpSocket over a dgram socket whose UDP handle is not reachable (dgram's events): datagrams arrive, a receive error is counted as with the handle", async (t) => {
	for (const [family, ip] of [['udp4', '127.0.0.1'], ['udp6', '::1']] as const) {
		for (const reachable of [true, false]) {
			const inner = dgram.createSocket(family);

			await new Promise<void>((resolve) => inner.bind(0, ip, resolve));

			// What a Node version without the internal state symbol looks like: no own symbols.
			const hidden = new Proxy(inner, { ownKeys: (target) => Reflect.ownKeys(target).filter((key) => typeof key !== 'symbol') });
			const socket = new UdpSocket(reachable ? inner : hidden);
			const peer = dgram.createSocket(family);

			t.after(() => {
				socket.close();
				try {
					peer.close();
				} catch {
					// already closed by the test
				}
			});
			await new Promise<void>((resolve) => peer.bind(0, ip, resolve));

			const peerPort = peer.address().port;
			const back = new Promise<[string, string, number]>((resolve) => {
				socket.onPacket = (data, fromIp, fromPort) => resolve([data.toString(), fromIp, fromPort]);
			});

			peer.send(Buffer.from('hello'), socket.localPort, ip);
			assert.deepEqual(await back, ['hello', ip, peerPort], `${family}, handle reachable: ${reachable}`);
			socket.connectTo(ip, peerPort);
			for (let waited = 0; !socket.connected; waited += 5) {
				assert.ok(waited < 3000, 'connected');
				await new Promise((r) => setTimeout(r, 5));
			}
			// One datagram to a port nobody listens on any more, nothing sent after it: the ICMP
			// port unreachable can only surface on the connected socket's next receive.
			peer.close();
			socket.send(Buffer.from('gone'), peerPort, ip);
			for (let waited = 0; socket.recvErrors === 0 && waited < 1000; waited += 5) {
				await new Promise((r) => setTimeout(r, 5));
			}
			assert.equal(socket.recvErrors, 1, `${family}, handle reachable: ${reachable}: the receive error was counted`);
		}
	}
});

test('TcpServer accepts passive connections and delivers RFC 4571 packets', async () => {
	const server = await TcpServer.bind({ ip: '127.0.0.1', choice: { min: 20000, max: 40000 } });
	const packets: string[] = [];
	const done = new Promise<void>((resolve) => {
		server.onPacket = (data) => {
			packets.push(data.toString());
			if (packets.length === 2) {
				resolve();
			}
		};
	});
	const client = net.connect({ port: server.localPort, host: '127.0.0.1' });

	await new Promise<void>((resolve) => client.once('connect', () => resolve()));

	const stream = Buffer.concat([frameRfc4571(Buffer.from('one')), frameRfc4571(Buffer.from('two'))]);

	// Split mid-frame on purpose.
	client.write(stream.subarray(0, 4));
	setTimeout(() => client.write(stream.subarray(4)), 10);
	await done;
	assert.deepEqual(packets, ['one', 'two']);
	assert.equal(server.connections.size, 1);

	const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));

	server.close();
	await closed;
	assert.equal(server.connections.size, 0);

	const refused = await new Promise<boolean>((resolve) => {
		const c = net.connect({ port: server.localPort, host: '127.0.0.1' });

		c.once('connect', () => {
			c.destroy();
			resolve(false);
		});
		c.once('error', () => resolve(true));
	});

	assert.equal(refused, true);
});
