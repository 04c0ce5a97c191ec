import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import QRCode from 'qrcode';
import { ALL_PEOPLE, MA_XIAOYAN, WANG_JIANGUO } from '../fixtures.js';
import { choose, fieldValue, parseCashierForm } from './cashier.js';
import { asTyped, isValidResidentId, residentIdCheckChar, withWrongCheckChar } from './idcard.js';
import { findLeaks, maskIdNumber, maskName, needlesFor, redact } from './privacy.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPaymentAttempt } from './crash.js';
import { HoldingProxy, proxiedRequests } from './holding-proxy.js';
import { decodeQr } from './qr.js';
import { normaliseOrigin, wrongAnswer } from './sandbox.js';

describe('GB 11643 check character', () => {
  it('matches the standard example 11010519491231002X', () => {
    assert.equal(residentIdCheckChar('11010519491231002'), 'X');
  });

  it('makes every fixture number valid', () => {
    for (const person of ALL_PEOPLE)
      assert.ok(isValidResidentId(person.idNumber), maskIdNumber(person.idNumber));
    assert.equal(MA_XIAOYAN.idNumber.slice(0, 17), '64010419900315002');
    assert.equal(MA_XIAOYAN.idNumber.at(-1), '2');
    assert.equal(WANG_JIANGUO.idNumber.at(-1), 'X');
  });

  it('builds a wrong number, and types X as lower-case x', () => {
    for (const person of ALL_PEOPLE)
      assert.equal(isValidResidentId(withWrongCheckChar(person.idNumber)), false);
    assert.equal(asTyped(WANG_JIANGUO.idNumber).at(-1), 'x');
    assert.ok(isValidResidentId(asTyped(WANG_JIANGUO.idNumber)));
    assert.equal(asTyped(MA_XIAOYAN.idNumber), MA_XIAOYAN.idNumber);
  });
});

describe('privacy helpers', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('masks like the app: first 6, 8 asterisks, last 4', () => {
    assert.equal(maskIdNumber('640104199003150022'), '640104********0022');
    assert.equal(maskName('马小燕'), '马**');
  });

  it('redacts ID numbers and names from text meant for a log', () => {
    const text = `姓名 马小燕 证件 640104199003150022 / 64020219781101003x`;
    const out = redact(text, ['马小燕']);
    assert.equal(out, '姓名 马** 证件 640104********0022 / 640202********003x');
  });

  it('finds a number in either case of X, a name in UTF-8 or JSON-escaped, and reports masked labels', () => {
    const root = mkdtempSync(join(tmpdir(), 'shebao-privacy-test-'));
    dirs.push(root);
    mkdirSync(join(root, 'logs'));
    writeFileSync(join(root, 'logs', 'clean.log'), 'confirmed person 640202********001X\n');
    writeFileSync(join(root, 'logs', 'lower.log'), 'id=64020219850720001x\n');
    writeFileSync(join(root, 'escaped.json'), '{"name":"\\u738b\\u5efa\\u56fd"}');
    writeFileSync(join(root, 'plain.txt'), '王建国');
    const leaks = findLeaks(root, needlesFor(WANG_JIANGUO.idNumber, WANG_JIANGUO.name));
    const byFile = Object.fromEntries(leaks.map((l) => [l.file, l.what]));
    assert.equal(leaks.length, 3);
    assert.match(byFile[join('logs', 'lower.log')], /lower-case x/);
    assert.match(byFile['escaped.json'], /JSON escaped/);
    assert.ok(byFile['plain.txt'].startsWith('name 王**'));
    for (const l of leaks)
      assert.ok(!l.what.includes(WANG_JIANGUO.idNumber) && !l.what.includes(WANG_JIANGUO.name));
  });
});

describe('sandbox helpers', () => {
  it('makes a wrong captcha answer of the same shape', () => {
    for (const answer of ['1234', 'a9Zz', '7x3K', '0000']) {
      const wrong = wrongAnswer(answer);
      assert.notEqual(wrong.toLowerCase(), answer.toLowerCase());
      assert.equal(wrong.length, answer.length);
    }
  });

  it('normalises the gateway origin', () => {
    assert.equal(normaliseOrigin('http://127.0.0.1:43117/'), 'http://127.0.0.1:43117');
    assert.throws(() => normaliseOrigin('tauri://localhost'));
  });
});

describe('cashier form', () => {
  const html = `<!doctype html><html><body>
    <h1>银联收银台（演示）</h1><p>金额 991.00</p>
    <form method="post" action="/sandbox/unionpay/cashier/att_1">
      <input type="hidden" name="csrf" value="t0k">
      <label><input type="radio" name="source" value="bank_card" checked>银行卡</label>
      <label><input type="radio" name="source" value="huabei">花呗</label>
      <input name="card_number" value="6222000000000000">
      <input type="text" name="note" value="" disabled>
      <input type="file" name="receipt">
      <select name="installments"><option value="1" selected>1</option><option value="3">3</option></select>
      <button type="button" name="cancel">取消</button>
      <button type="submit" name="action" value="pay">确认付款</button>
      <button type="submit" name="other" value="x">另一个</button>
    </form></body></html>`;

  it('collects the fields a browser would send', () => {
    const form = parseCashierForm(html, 'http://127.0.0.1:9/sandbox/unionpay/cashier/att_1');
    assert.equal(form.action, 'http://127.0.0.1:9/sandbox/unionpay/cashier/att_1');
    assert.equal(form.method, 'POST');
    assert.deepEqual(form.fields, [
      ['csrf', 't0k'],
      ['source', 'bank_card'],
      ['card_number', '6222000000000000'],
      ['installments', '1'],
      ['action', 'pay'],
    ]);
    assert.deepEqual(form.choices.get('source'), ['bank_card', 'huabei']);
  });

  it('chooses a source only among the offered ones', () => {
    const form = parseCashierForm(html, 'http://127.0.0.1:9/c');
    const huabei = choose(form, 'source', 'huabei');
    assert.equal(fieldValue(huabei, 'source'), 'huabei');
    assert.equal(
      huabei.fields.findIndex(([n]) => n === 'source'),
      1,
    );
    assert.throws(() => choose(form, 'source', 'wechat_change'));
    assert.throws(() => choose(form, 'nope', 'x'));
  });
});

describe('QR decoding (zbarimg)', () => {
  it('reads back what was encoded, including an upper-case alphanumeric payload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shebao-qr-test-'));
    try {
      for (const text of [
        'http://127.0.0.1:43117/sandbox/unionpay/cashier/att_01J',
        'HTTP://127.0.0.1:43117/C/CEAQAAASNUTBU2D3AAAY',
      ]) {
        const file = join(dir, 'qr.png');
        await QRCode.toFile(file, text, { margin: 0, scale: 4 });
        const decoded = await decodeQr(file);
        assert.equal(decoded?.text, text);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('holding proxy', () => {
  it('passes requests through byte for byte but keeps back the first payment attempt answer', async () => {
    const seen: { host?: string; body: string }[] = [];
    const gateway = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ host: request.headers.host, body: Buffer.concat(chunks).toString() });
        response.writeHead(request.method === 'POST' ? 201 : 200, { 'request-id': 'req_1' });
        response.end(JSON.stringify({ id: 'att_1', target: request.url }));
      });
    });
    await new Promise<void>((listening) => gateway.listen(0, '127.0.0.1', listening));
    const upstream = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'shebao-proxy-'));
    const log = join(dir, 'proxy.jsonl');
    const proxy = await HoldingProxy.start(upstream, log, isPaymentAttempt);
    try {
      const read = await fetch(`${proxy.origin}/v1/declarations?status=unpaid`);
      assert.equal(read.status, 200);
      assert.equal(read.headers.get('request-id'), 'req_1');

      const attempt = (key: string) =>
        fetch(`${proxy.origin}/v1/payment-orders/ord_1/attempts`, {
          method: 'POST',
          headers: { 'idempotency-key': key, 'content-type': 'application/json' },
          body: '{"channel":"unionpay"}',
          signal: AbortSignal.timeout(1500),
        });
      await assert.rejects(attempt('k-1'), 'the first attempt answer never arrives');
      const again = await attempt('k-1');
      assert.equal(again.status, 201, 'later requests are answered');
      assert.deepEqual(await again.json(), {
        id: 'att_1',
        target: '/v1/payment-orders/ord_1/attempts',
      });

      assert.equal(seen.length, 3, 'the held request did reach the gateway');
      assert.equal(seen[1].body, '{"channel":"unionpay"}');
      assert.equal(seen[1].host, new URL(proxy.origin).host, 'the Host header is the one sent');
      const logged = proxiedRequests(log);
      assert.deepEqual(
        logged.map((r) => [r.method, r.target, r.idempotencyKey, r.status, r.held]),
        [
          ['GET', '/v1/declarations?status=unpaid', null, 200, false],
          ['POST', '/v1/payment-orders/ord_1/attempts', 'k-1', 201, true],
          ['POST', '/v1/payment-orders/ord_1/attempts', 'k-1', 201, false],
        ],
      );
      assert.equal(JSON.parse(logged[1].body ?? '{}').id, 'att_1', 'the held answer is kept');
    } finally {
      await proxy.close();
      gateway.closeAllConnections();
      await new Promise<void>((closed) => gateway.close(() => closed()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
