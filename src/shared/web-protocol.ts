// The HTTP shape of web mode, shared by src/main/web and the renderer's HTTP client.
//   POST /api/<channel>   body: encodeWire(arg) ('' for none)   → 200 encodeWire(result) | 4xx/5xx {error:WireError}
//   GET  /events          Server-Sent Events: `event: <EventName>` + `data: <json>`
//   GET  /media/<kind>/<imageId>   image bytes (thumb = small JPEG, image = the original converted for the browser)
// Every request carries the per-start token: header, ?token= query, or the cookie set when the page loads.
export const TOKEN_HEADER = 'x-workbench-token'
export const TOKEN_QUERY = 'token'
export const TOKEN_COOKIE = 'wb_token'
export const API_PREFIX = '/api/'
export const EVENTS_PATH = '/events'
export const MEDIA_PREFIX = '/media/'
