// Guards the shapes personal data is recognised by and the masks that keep them: CPF/CNPJ with and
// without punctuation, Brazilian phones in the ways people write them, e-mails, IPv4/IPv6 — and that
// every pattern stays linear on hostile text.
import { describe, expect, it } from 'vitest';
import { maskEmail, maskIp, maskUrl, maskUserAgent, scrubText, shapeOf } from './pii-shapes.ts';

describe('shapeOf', () => {
  it.each([
    ['maria.souza@gmail.com', 'email'],
    [' Maria+news@Empresa.COM.br ', 'email'],
    ['josé@exämple.com', 'email'],
    ['189.40.12.7', 'ipv4'],
    ['2804:14c:5b80:8c3e:a1b2:c3d4:e5f6:0708', 'ipv6'],
    ['2804:14c::1', 'ipv6'],
    ['::ffff:189.40.12.7', 'ipv6'],
    ['529.982.247-25', 'cpf'],
    ['52998224725', 'cpf'],
    ['12.345.678/0001-95', 'cnpj'],
    ['12345678000195', 'cnpj'],
    ['(11) 99999-8888', 'phone'],
    ['+55 11 99999-8888', 'phone'],
    ['11999998888', 'phone'], // eleven digits with the mobile 9: a phone, not a CPF
    ['5511999998888', 'phone'],
    ['11 3333-4444', 'phone'],
    ['+1 (415) 555-0132', 'phone'],
    ['https://lp.example.com/oferta?email=a@b.com', 'url'],
    ['sid_0192f0c4a7b97c3e', 'hub_id'],
    ['PURCHASE_APPROVED', undefined],
    ['HP16015479281022', undefined],
    ['2025-04-02 05:09', undefined],
    ['12:30:45', undefined],
    ['1500.00', undefined],
    ['Curso 2024-2025', undefined],
  ])('%s → %s', (value, shape) => {
    expect(shapeOf(value)).toBe(shape);
  });
});

describe('masks keep the shape, never the value', () => {
  it.each([
    [maskEmail('John.Smith@gmail.com'), 'J***@g***.com'],
    [maskEmail('ana@mail.empresa.com.br'), 'a***@m***.com.br'],
    [maskIp('189.40.12.7'), '189.40.12.***'],
    [maskIp('2804:14c:5b80:8c3e::1'), '2804:14c:…'],
    [maskIp('::ffff:189.40.12.7'), '::ffff:189.40.12.***'],
    [maskUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)'), 'Mozilla/5.0 … (54 chars)'],
    [maskUserAgent('maria@gmail.com'), '*** (15 chars)'],
    [maskUrl('https://lp.example.com/oferta?utm_source=fb&email=a%40b.com&sck=sid_1', true, (n) => n === 'utm_source' || n === 'sck'), 'https://lp.example.com/oferta?utm_source=fb&email=*** (7 chars)&sck=sid_1'],
    [maskUrl('https://pay.kiwify.com.br/receipt/abc123secret', false, () => true), 'https://pay.kiwify.com.br/…'],
    [maskUrl('javascript:alert(1)', true, () => true), '*** (19 chars)'],
  ])('%s', (masked, expected) => {
    expect(masked).toBe(expected);
  });
});

describe('scrubText', () => {
  it.each([
    ['Mentoria com joao@empresa.com.br hoje', 'Mentoria com j***@e***.com.br hoje'],
    ['CPF 529.982.247-25, CNPJ 12.345.678/0001-95', 'CPF ***.***.***-**, CNPJ **.***.***/****-**'],
    ['CPF 52998224725.', 'CPF ***.***.***-**.'],
    ['WhatsApp (11) 99999-8888 ou +55 21 98888-7777', 'WhatsApp ***8888 ou ***7777'],
    ['ligar 11 3333-4444', 'ligar ***4444'],
    ['IP 200.100.50.25 / 2804:14c:5b80:8c3e::1', 'IP 200.100.50.*** / 2804:14c:…'],
    ['conta 1234567890123', 'conta *** (13 digits)'],
    // what stays
    ['HP16015479281022 PURCHASE_APPROVED 2025-04-02 05:09', 'HP16015479281022 PURCHASE_APPROVED 2025-04-02 05:09'],
    ['1 × T-shirt (at $20.00 / month)', '1 × T-shirt (at $20.00 / month)'],
    ['Curso 2024-2025, turma 12', 'Curso 2024-2025, turma 12'],
    ['std::vector 12:30:45', 'std::vector 12:30:45'],
  ])('%s', (text, expected) => {
    expect(scrubText(text)).toBe(expected);
  });

  it.each([
    ['digits', '1'.repeat(262_144)],
    ['digits and separators', '1.'.repeat(131_072)],
    ['an e-mail local part without its @', 'a'.repeat(262_144) + '@'],
    ['many @', 'a@'.repeat(131_072)],
    ['colons', 'a:'.repeat(131_072)],
    ['dotted', '1.1.1.'.repeat(43_690)],
    ['phone-like', '(11) 9'.repeat(43_690)],
  ])('is linear on 256 KiB of %s', (_name, text) => {
    const started = performance.now();
    scrubText(text);
    shapeOf(text.slice(0, 320));
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
