/** Log streams as servers send them, with every awkward part a reader must survive. */

/** A v1 log stream: comments, an unknown field, id/retry, non-JSON data, multi-line data, multi-byte text. */
export const RECORDED_AGENT_STREAM = [
  ': keep-alive\n',
  'data: {"type":"resume","runId":"r1"}\n\n',
  'data: {"type":"start","runId":"r1","startedAt":"2025-01-01T00:00:00Z"}\n\n',
  'data: {"type":"text-start","id":"t1"}\n\n',
  'data: {"type":"text-delta","id":"t1","delta":"Héllo wörld — 你好 🎉"}\n\n',
  'unknown-field: ignored\n',
  'data: {"type":"tool-call-start","toolCallId":"c1","toolName":"bash"}\n\n',
  'data: {"type":"tool-input-available","toolCallId":"c1","toolName":"bash","input":{"command":"ls ~/é"}}\n\n',
  'data: not json at all\n\n',
  'id: 7\nretry: 1000\n',
  'data: {"type":"reasoning-delta",\ndata: "delta":"two lines"}\n\n',
  ':another comment\n',
  'data: {"type":"finish","runId":"r1","status":"completed"}',
].join('');

/** A Cloud log stream: named events, the last one without its closing blank line. */
export const RECORDED_CLOUD_STREAM = [
  'event: connected\ndata: {"taskId":"t1","fromIndex":0}\n\n',
  'event: log\ndata: {"index":0,"log":{"type":"info","contentType":"ansi","message":"\\u001b[32mCloning ✓ 🚀\\u001b[0m","step":"git_cloning"}}\n\n',
  ': ping\n\n',
  'event: status\ndata: {"status":"processing"}\n\n',
  'event: log\ndata: {"index":1,"log":{"type":"success","message":"Döne — 完了"}}\n\n',
  'event: mystery\ndata: {"x":1}\n\n',
  'event: complete\ndata: {"status":"completed","totalLogs":2}\n',
].join('');
