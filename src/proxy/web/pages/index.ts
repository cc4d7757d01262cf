// The page the links of `tctl users add` (/web/invite/TOKEN) and `tctl users reset`
// (/web/reset/TOKEN) open, with its script and style: a minimal stand-in until the web UI
// serves these paths, over the same /webapi/users/invites API.
import type { Reply, WebRoute } from "../router.js";
import { INVITE_HTML } from "./invite-html.js";
import { INVITE_SCRIPT } from "./invite-script.js";
import { INVITE_STYLE } from "./invite-style.js";

// Only this proxy's own script, style and API; no inline code, no framing, no form posted
// anywhere (the script sends the form as JSON, so a form without it cannot leak the password
// into a URL).
const PAGE_CSP = [
  "default-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const page: Reply = {
  kind: "static",
  contentType: "text/html; charset=utf-8",
  body: INVITE_HTML,
  // The token is in the page's URL: no Referer header may carry it elsewhere.
  headers: { "content-security-policy": PAGE_CSP, "referrer-policy": "no-referrer" },
};

function file(contentType: string, body: string): Reply {
  return { kind: "static", contentType, body, headers: {} };
}

export function invitePageRoutes(): WebRoute[] {
  const script = file("text/javascript; charset=utf-8", INVITE_SCRIPT);
  const style = file("text/css; charset=utf-8", INVITE_STYLE);
  return [
    { method: "GET", path: "/web/invite/:token", access: "public", handle: async () => page },
    { method: "GET", path: "/web/reset/:token", access: "public", handle: async () => page },
    { method: "GET", path: "/web/invite.js", access: "public", handle: async () => script },
    { method: "GET", path: "/web/invite.css", access: "public", handle: async () => style },
  ];
}
