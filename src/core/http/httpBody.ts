import { ProtocolError } from './errors';

/** Reading a response body within a byte budget, so a huge or hostile answer is never buffered whole. */

/** A JSON answer; an empty body is undefined, anything unparseable a ProtocolError. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProtocolError(undefined, { detail: 'the answer is not JSON' });
  }
}

/**
 * Reads a body as UTF-8 text up to `maxBytes`. Beyond it: the text so far when
 * `truncate`, otherwise undefined; either way the rest is not downloaded.
 */
export async function readBodyText(
  response: Response,
  maxBytes: number,
  truncate = false,
): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      reader.cancel().catch(() => undefined);
      if (!truncate) return undefined;
      text += decoder.decode(value.subarray(0, Math.max(0, value.byteLength - (bytes - maxBytes))), { stream: true });
      break;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

export async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to release.
  }
}
