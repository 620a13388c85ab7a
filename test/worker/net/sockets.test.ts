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
