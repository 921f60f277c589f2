import { parseProxyList } from './proxy-list.js';

describe('parseProxyList', () => {
  const cases: Array<[string, string, ReturnType<typeof parseProxyList> | RegExp]> = [
    ['single url', 'https://proxy.example', [{ url: 'https://proxy.example', fallThroughOnAnyError: false }]],
    ['trailing slash trimmed', 'https://p.example/go/', [{ url: 'https://p.example/go', fallThroughOnAnyError: false }]],
    [
      'comma and pipe',
      'https://a.example|https://b.example,http://c.example',
      [
        { url: 'https://a.example', fallThroughOnAnyError: true },
        { url: 'https://b.example', fallThroughOnAnyError: false },
        { url: 'http://c.example', fallThroughOnAnyError: false },
      ],
    ],
    ['off alone', 'off', []],
    ['off ends the list', 'https://a.example,off,https://b.example', [{ url: 'https://a.example', fallThroughOnAnyError: false }]],
    ['empty string', '', []],
    ['direct refused', 'https://a.example,direct', /not an upstream proxy/],
    ['empty entry', 'https://a.example,,https://b.example', /empty entry/],
    ['not a url', 'proxy.example', /not a URL/],
    ['file scheme refused', 'file:///tmp/x', /http or https/],
    ['credentials refused', 'https://u:p@a.example', /credentials/],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    if (expected instanceof RegExp) expect(() => parseProxyList(input)).toThrow(expected);
    else expect(parseProxyList(input)).toEqual(expected);
  });
});
