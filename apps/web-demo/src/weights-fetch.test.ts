import { describe, expect, it } from 'vitest';
import { fetchDefaultModelBytes, fetchWeightsFromUrl, fileNameOf, parseWeightsUrl } from './weights-fetch.js';

describe('weights from the site and from URLs', () => {
  it('treats a missing default model (404 or an HTML fallback) as none', async () => {
    const notFound = async () => new Response('no', { status: 404 });
    expect(await fetchDefaultModelBytes('/', notFound as typeof fetch)).toBeNull();
    const html = async () => new Response('<html>', { headers: { 'content-type': 'text/html' } });
    expect(await fetchDefaultModelBytes('/', html as typeof fetch)).toBeNull();
    const found = async (url: string) => {
      expect(url).toBe('/base/model.safetensors');
      return new Response(new Uint8Array([1, 2, 3]), {
        headers: { 'content-type': 'application/octet-stream' },
      });
    };
    expect(await fetchDefaultModelBytes('/base/', found as typeof fetch)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('accepts only http(s) URLs, saying what is wrong', () => {
    expect(parseWeightsUrl(' https://a.org/m.pth ').href).toBe('https://a.org/m.pth');
    expect(() => parseWeightsUrl('m.pth')).toThrow(/'m\.pth' is not a URL: paste a full address/);
    expect(() => parseWeightsUrl('file:///tmp/m.pth')).toThrow(/file: URLs cannot be fetched/);
  });

  it('names the file of a URL', () => {
    expect(fileNameOf('https://download.pytorch.org/models/fcn_resnet50_coco-1167a1af.pth')).toBe(
      'fcn_resnet50_coco-1167a1af.pth',
    );
    expect(fileNameOf('not a url')).toBe('not a url');
  });

  it('streams the bytes with progress', async () => {
    const parts = [new Uint8Array([1, 2]), new Uint8Array([3, 4, 5])];
    const fake = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
        { headers: { 'content-length': '5' } },
      );
    const seen: [number, number | null][] = [];
    const bytes = await fetchWeightsFromUrl(
      'https://a.org/m.pth',
      (r, t) => seen.push([r, t]),
      fake as typeof fetch,
    );
    expect(bytes).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    expect(seen).toEqual([
      [2, 5],
      [5, 5],
    ]);
  });

  it('turns a refused request (what CORS looks like) into how to get the file instead', async () => {
    const refused = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(
      fetchWeightsFromUrl('https://a.org/m.pth', undefined, refused as typeof fetch),
    ).rejects.toThrow(
      /could not fetch https:\/\/a\.org\/m\.pth \(Failed to fetch\): the host may not allow cross-origin requests \(CORS\).*curl -LO https:\/\/a\.org\/m\.pth.*drop it on the page/,
    );
    const missing = async () => new Response('', { status: 404, statusText: 'Not Found' });
    await expect(
      fetchWeightsFromUrl('https://a.org/m.pth', undefined, missing as typeof fetch),
    ).rejects.toThrow('https://a.org/m.pth answered 404 Not Found');
  });
});
